package dev.tern.coap.oscore.internal;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with SHA-256 (RFC 5869), the key derivation function OSCORE uses by default (RFC 8613
 * §3.2.1), built on the JDK's {@code HmacSHA256}.
 */
public final class Hkdf {
    private static final String HMAC = "HmacSHA256";
    /** The output length of SHA-256. */
    public static final int HASH_LENGTH = 32;

    private Hkdf() {
    }

    /**
     * HKDF-Extract then HKDF-Expand: {@code length} bytes of output keying material.
     *
     * @param salt the salt; empty means HashLen zero bytes (RFC 5869 §2.2)
     * @param ikm the input keying material (the Master Secret)
     * @param info the context information
     * @param length the output length, at most 255 * 32
     */
    public static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
        if (length < 0 || length > 255 * HASH_LENGTH) {
            throw new IllegalArgumentException("HKDF output length out of range: " + length);
        }
        try {
            // An empty HMAC key equals HashLen zero bytes (HMAC pads keys with zeros); the JDK
            // refuses empty keys, so pass the zeros.
            byte[] extractKey = salt.length == 0 ? new byte[HASH_LENGTH] : salt;
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(extractKey, HMAC));
            byte[] prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, HMAC));
            byte[] out = new byte[length];
            byte[] t = new byte[0];
            int done = 0;
            for (int i = 1; done < length; i++) {
                mac.update(t);
                mac.update(info);
                mac.update((byte) i);
                t = mac.doFinal();
                int n = Math.min(t.length, length - done);
                System.arraycopy(t, 0, out, done, n);
                done += n;
            }
            java.util.Arrays.fill(prk, (byte) 0);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
