package dev.tern.coap.dtls;

/**
 * Whether a server asks clients for a certificate or raw public key (certificate modes only): the
 * CertificateRequest of RFC 5246 §7.4.4, for raw public keys too (RFC 7250 §4.2).
 */
public enum ClientAuth {
    /** No CertificateRequest: clients stay anonymous at the DTLS level (PSK clients always are named). */
    NONE,
    /** Asks for one; a client without accepted credentials still connects, with no identity. */
    WANTED,
    /** Asks for one and fails the handshake of a client that has none or an untrusted one. */
    NEEDED
}
