package dev.tern.coap.internal.state;

import dev.tern.coap.Bytes;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The state file: {@code "TERNSTAT"}, a version byte, a 16-byte salt and a 12-byte nonce (both
 * fresh for every file), then the records sealed with AES-256-GCM (NIST SP 800-38D) under a key
 * derived from the operator's key with HKDF-SHA256 (RFC 5869; salt above, info
 * {@code "tern state file v1"}); the header is the associated data, so nothing of the file can be
 * changed without the tag failing. The plaintext: a 4-byte namespace count, then per namespace its
 * name and a 4-byte record count, then per record a 2-byte-length key and a 4-byte-length value.
 * Decoding is all or nothing: any error rejects the whole file.
 */
public final class StateFileCodec {
    /** The magic at the start of a state file. */
    static final byte[] MAGIC = "TERNSTAT".getBytes(StandardCharsets.US_ASCII);
    /** The format version this code writes and reads. */
    public static final int VERSION = 1;
    private static final int SALT = 16;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    /** Header length: magic, version, salt, nonce. */
    public static final int HEADER = MAGIC.length + 1 + SALT + NONCE;
    /** The least a record takes in the plaintext: two lengths. */
    private static final int MIN_RECORD = 2 + 4;
    private static final byte[] INFO = "tern state file v1".getBytes(StandardCharsets.US_ASCII);

    private StateFileCodec() {
    }

    /** Seals {@code spaces} under {@code key}. */
    public static byte[] seal(Map<String, Map<Bytes, byte[]>> spaces, byte[] key, SecureRandom random) {
        RecordWriter w = new RecordWriter().u32(spaces.size());
        for (Map.Entry<String, Map<Bytes, byte[]>> space : spaces.entrySet()) {
            w.string(space.getKey()).u32(space.getValue().size());
            for (Map.Entry<Bytes, byte[]> r : space.getValue().entrySet()) {
                w.bytes16(r.getKey().toArray()).bytes32(r.getValue());
            }
        }
        byte[] plain = w.toByteArray();
        byte[] header = new byte[HEADER];
        System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
        header[MAGIC.length] = VERSION;
        byte[] salt = new byte[SALT];
        byte[] nonce = new byte[NONCE];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        System.arraycopy(salt, 0, header, MAGIC.length + 1, SALT);
        System.arraycopy(nonce, 0, header, MAGIC.length + 1 + SALT, NONCE);
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, key, salt, nonce);
            c.updateAAD(header);
            byte[] sealed = c.doFinal(plain);
            Arrays.fill(plain, (byte) 0);
            byte[] file = Arrays.copyOf(header, HEADER + sealed.length);
            System.arraycopy(sealed, 0, file, HEADER, sealed.length);
            return file;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * Opens a file {@link #seal} wrote: every namespace with its records, or a
     * {@link StateFormatException} saying why not (not a state file, another version, truncated,
     * wrong key or tampered, a record over {@code maxValue} bytes, a count beyond the bytes).
     */
    public static Map<String, Map<Bytes, byte[]>> open(byte[] file, byte[] key, int maxValue) {
        int magic = Math.min(file.length, MAGIC.length);
        if (!Arrays.equals(file, 0, magic, MAGIC, 0, magic)) {
            throw new StateFormatException("not a Tern state file (bad magic)");
        }
        if (file.length > MAGIC.length && (file[MAGIC.length] & 0xFF) != VERSION) {
            throw new StateFormatException("state file version " + (file[MAGIC.length] & 0xFF)
                    + ", this Tern reads version " + VERSION);
        }
        if (file.length < HEADER) {
            throw new StateFormatException("truncated: " + file.length + " bytes, shorter than the header");
        }
        if (file.length < HEADER + TAG_BITS / 8) {
            throw new StateFormatException("truncated: " + file.length + " bytes, no room for the tag");
        }
        byte[] salt = Arrays.copyOfRange(file, MAGIC.length + 1, MAGIC.length + 1 + SALT);
        byte[] nonce = Arrays.copyOfRange(file, MAGIC.length + 1 + SALT, HEADER);
        byte[] plain;
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, key, salt, nonce);
            c.updateAAD(file, 0, HEADER);
            plain = c.doFinal(file, HEADER, file.length - HEADER);
        } catch (AEADBadTagException e) {
            throw new StateFormatException("does not authenticate: wrong key, truncated or tampered");
        } catch (GeneralSecurityException e) {
            throw new StateFormatException("cannot be decrypted: " + e.getClass().getSimpleName());
        }
        try {
            return parse(plain, maxValue);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** Parses the plaintext; public for the fuzz target, which skips the AEAD. */
    public static Map<String, Map<Bytes, byte[]>> parse(byte[] plain, int maxValue) {
        RecordReader r = new RecordReader(plain);
        long spaces = r.u32();
        if (spaces > r.remaining() / 6) {
            throw new StateFormatException("namespace count " + spaces + " beyond the " + r.remaining() + " bytes left");
        }
        Map<String, Map<Bytes, byte[]>> out = new HashMap<>();
        for (long i = 0; i < spaces; i++) {
            String name = r.string();
            long count = r.u32();
            if (count > r.remaining() / MIN_RECORD) {
                throw new StateFormatException("record count " + count + " beyond the " + r.remaining() + " bytes left");
            }
            Map<Bytes, byte[]> records = new HashMap<>();
            for (long j = 0; j < count; j++) {
                Bytes k = Bytes.wrap(r.bytes16());
                if (records.put(k, r.bytes32(maxValue)) != null) {
                    throw new StateFormatException("duplicate key " + k.hex() + " in namespace " + name);
                }
            }
            if (out.put(name, records) != null) {
                throw new StateFormatException("duplicate namespace " + name);
            }
        }
        r.expectEnd();
        return out;
    }

    private static Cipher cipher(int mode, byte[] key, byte[] salt, byte[] nonce) throws GeneralSecurityException {
        byte[] sub = hkdf(key, salt);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(sub, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            return c;
        } finally {
            Arrays.fill(sub, (byte) 0);
        }
    }

    /** HKDF-SHA256 (RFC 5869 §2.2, §2.3) for one 32-byte output block. */
    static byte[] hkdf(byte[] ikm, byte[] salt) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        byte[] prk = mac.doFinal(ikm);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        Arrays.fill(prk, (byte) 0);
        mac.update(INFO);
        mac.update((byte) 1);
        return mac.doFinal();
    }
}
