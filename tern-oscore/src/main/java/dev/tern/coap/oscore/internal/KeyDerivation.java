package dev.tern.coap.oscore.internal;

import dev.tern.coap.oscore.AeadAlgorithm;

/**
 * Derivation of the Sender Key, Recipient Key and Common IV from the Master Secret, Master Salt and
 * ID Context (RFC 8613 §3.2.1): {@code HKDF(salt, secret, info, L)} with
 * {@code info = [id, id_context / nil, alg_aead, "Key" / "IV", L]}.
 */
public final class KeyDerivation {
    private KeyDerivation() {
    }

    /** The three derived values of a security context. Arrays are owned by the caller. */
    public record Derived(byte[] senderKey, byte[] recipientKey, byte[] commonIv) {
    }

    /**
     * Derives the keys and the Common IV.
     *
     * @param idContext the ID Context, or {@code null} when the context has none (encoded as CBOR nil)
     */
    public static Derived derive(AeadAlgorithm alg, byte[] masterSecret, byte[] masterSalt, byte[] idContext,
            byte[] senderId, byte[] recipientId) {
        byte[] senderKey = Hkdf.derive(masterSalt, masterSecret,
                info(senderId, idContext, alg, "Key", alg.keyLength()), alg.keyLength());
        byte[] recipientKey = Hkdf.derive(masterSalt, masterSecret,
                info(recipientId, idContext, alg, "Key", alg.keyLength()), alg.keyLength());
        byte[] commonIv = Hkdf.derive(masterSalt, masterSecret,
                info(new byte[0], idContext, alg, "IV", alg.nonceLength()), alg.nonceLength());
        return new Derived(senderKey, recipientKey, commonIv);
    }

    /** The CBOR {@code info} structure of RFC 8613 §3.2.1. */
    public static byte[] info(byte[] id, byte[] idContext, AeadAlgorithm alg, String type, int length) {
        Cbor c = new Cbor().array(5).bytes(id);
        if (idContext == null) {
            c.nil();
        } else {
            c.bytes(idContext);
        }
        return c.integer(alg.coseId()).text(type).integer(length).toByteArray();
    }
}
