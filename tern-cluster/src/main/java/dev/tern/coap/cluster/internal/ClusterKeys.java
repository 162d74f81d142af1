package dev.tern.coap.cluster.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys derived from the cluster secret, one per purpose (HMAC-SHA256 of a label under the
 * secret, RFC 5869 §2.3 with one block): the forwarding MAC key and the AES-256-GCM key of the
 * resumption cache. The secret itself is not kept.
 */
public final class ClusterKeys {
    private final SecretKeySpec forwarding;
    private final SecretKeySpec resumption;
    private final SecretKeySpec control;

    /** Keys from {@code secret} (at least 16 bytes). */
    public ClusterKeys(byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the cluster secret must have at least 16 bytes, it has " + secret.length);
        }
        forwarding = new SecretKeySpec(derive(secret, "tern-cluster forwarding v1"), "HmacSHA256");
        resumption = new SecretKeySpec(derive(secret, "tern-cluster resumption v1"), "AES");
        control = new SecretKeySpec(derive(secret, "tern-cluster control v1"), "HmacSHA256");
    }

    private static byte[] derive(byte[] secret, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(label.getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(new byte[] {1});
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** A new MAC for forwarded frames (one per thread: Mac is not thread-safe). */
    public Mac forwardingMac() {
        return mac(forwarding);
    }

    /** A new MAC for control messages between nodes (a relation's cancel), a key of its own. */
    public Mac controlMac() {
        return mac(control);
    }

    private static Mac mac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** The AES-256 key of the resumption cache. */
    SecretKeySpec resumptionKey() {
        return resumption;
    }
}
