/**
 * Tern OSCORE: Object Security for Constrained RESTful Environments (RFC 8613). Exports only the
 * public API ({@code dev.tern.coap.oscore}: security contexts, message protection, sequence number
 * stores); {@code dev.tern.coap.oscore.internal} (HKDF, the AEAD wrapper, the small CBOR encoder
 * and the option codecs) is an implementation detail.
 */
module dev.tern.coap.oscore {
    requires transitive dev.tern.coap;
    requires org.bouncycastle.provider;

    exports dev.tern.coap.oscore;
}
