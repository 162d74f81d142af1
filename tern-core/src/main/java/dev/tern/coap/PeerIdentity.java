package dev.tern.coap;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Who a peer proved to be in a DTLS handshake (RFC 7252 §9.1): a pre-shared key identity, a raw
 * public key (RFC 7250) or an X.509 certificate chain. A server handler reads it from
 * {@link Request#peerIdentity()} to authorize a request; requests over plain UDP have none.
 */
public final class PeerIdentity {
    /** How the peer authenticated. */
    public enum Kind {
        /** A pre-shared key (RFC 7252 §9.1.3.1); {@link #name()} is the PSK identity. */
        PRE_SHARED_KEY,
        /** A raw public key (RFC 7250, RFC 7252 §9.1.3.2); {@link #name()} is its RFC 6920 {@code ni:} name. */
        RAW_PUBLIC_KEY,
        /** An X.509 certificate (RFC 7252 §9.1.3.3); {@link #name()} is the subject's distinguished name. */
        X509,
        /**
         * An OSCORE security context (RFC 8613 §3): the request verified with it; {@link #name()} is
         * the peer's Sender ID in hex, prefixed by the ID Context in hex and a colon when there is one.
         */
        OSCORE
    }

    private final Kind kind;
    private final String name;
    private final PublicKey publicKey;
    private final List<X509Certificate> certificates;
    private final String cipherSuite;

    private PeerIdentity(Kind kind, String name, PublicKey publicKey, List<X509Certificate> certificates,
                         String cipherSuite) {
        this.kind = kind;
        this.name = name;
        this.publicKey = publicKey;
        this.certificates = certificates;
        this.cipherSuite = Objects.requireNonNull(cipherSuite, "cipherSuite");
    }

    /** A peer that used the PSK {@code identity}. */
    public static PeerIdentity preSharedKey(String identity, String cipherSuite) {
        return new PeerIdentity(Kind.PRE_SHARED_KEY, Objects.requireNonNull(identity, "identity"), null, List.of(),
                cipherSuite);
    }

    /** A peer that proved possession of the private half of {@code key}. */
    public static PeerIdentity rawPublicKey(PublicKey key, String cipherSuite) {
        return new PeerIdentity(Kind.RAW_PUBLIC_KEY, niName(key), key, List.of(), cipherSuite);
    }

    /** A peer that proved possession of the key of the first certificate of {@code chain}. */
    public static PeerIdentity x509(List<X509Certificate> chain, String cipherSuite) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
        X509Certificate leaf = chain.get(0);
        return new PeerIdentity(Kind.X509, leaf.getSubjectX500Principal().getName(), leaf.getPublicKey(),
                List.copyOf(chain), cipherSuite);
    }

    /**
     * A peer whose request verified with an OSCORE security context (RFC 8613 §8.2): {@code name} as
     * {@link Kind#OSCORE} describes, {@code algorithm} the context's AEAD (in {@link #cipherSuite()}).
     */
    public static PeerIdentity oscore(String name, String algorithm) {
        return new PeerIdentity(Kind.OSCORE, Objects.requireNonNull(name, "name"), null, List.of(), algorithm);
    }

    /**
     * The RFC 6920 name of a public key, as RFC 7250 peers are usually named:
     * {@code ni:///sha-256;} and the unpadded base64url SHA-256 of its SubjectPublicKeyInfo.
     */
    public static String niName(PublicKey key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return "ni:///sha-256;" + Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** How the peer authenticated. */
    public Kind kind() {
        return kind;
    }

    /** The PSK identity, the key's {@code ni:} name or the certificate subject. */
    public String name() {
        return name;
    }

    /** The peer's public key; null for a pre-shared key. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** The peer's certificate chain, leaf first; empty unless {@link Kind#X509}. */
    public List<X509Certificate> certificates() {
        return certificates;
    }

    /** The negotiated cipher suite, e.g. {@code TLS_PSK_WITH_AES_128_CCM_8}; for OSCORE the AEAD algorithm. */
    public String cipherSuite() {
        return cipherSuite;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerIdentity p && kind == p.kind && name.equals(p.name)
                && Objects.equals(publicKey, p.publicKey) && certificates.equals(p.certificates)
                && cipherSuite.equals(p.cipherSuite);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, name, cipherSuite);
    }

    @Override
    public String toString() {
        return kind + " " + name + " (" + cipherSuite + ")";
    }
}
