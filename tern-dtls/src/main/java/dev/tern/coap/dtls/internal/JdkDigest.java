package dev.tern.coap.dtls.internal;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.Security;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.ExtendedDigest;
import org.bouncycastle.util.Memoable;

/**
 * A BouncyCastle {@code Digest} on the JDK's {@link MessageDigest} (SHA-256, SHA-384, SHA-512),
 * whose compression functions the JVM runs on the CPU's SHA instructions where there are any:
 * about six times faster than BouncyCastle's Java SHA-256 for the short inputs of the TLS PRF,
 * the handshake hash and the cookie HMAC. {@link Memoable}, so that BouncyCastle's {@code HMac}
 * keeps the keyed inner and outer states instead of hashing the pads again for every MAC.
 * Not thread-safe, like any digest.
 */
final class JdkDigest implements ExtendedDigest, Memoable {
    /** Fresh digests to clone (cheaper than a provider lookup per digest); never updated themselves. */
    private static final Map<String, Optional<MessageDigest>> PROTOTYPES = new ConcurrentHashMap<>();

    private final String name;
    private final int blockLength;
    private MessageDigest digest;

    private JdkDigest(String name, int blockLength, MessageDigest digest) {
        this.name = name;
        this.blockLength = blockLength;
        this.digest = digest;
    }

    /** A fresh digest, or null when the JDK lacks a cloneable {@code name}. */
    static JdkDigest create(String name, int blockLength) {
        Optional<MessageDigest> prototype = PROTOTYPES.computeIfAbsent(name, JdkDigest::prototype);
        return prototype.map(p -> new JdkDigest(name, blockLength, cloneOf(p))).orElse(null);
    }

    /** The JDK's own provider's digest when present, so that a provider registered first does not replace it. */
    private static Optional<MessageDigest> prototype(String name) {
        try {
            Provider sun = Security.getProvider("SUN");
            MessageDigest d = sun != null ? MessageDigest.getInstance(name, sun) : MessageDigest.getInstance(name);
            d.clone();
            return Optional.of(d);
        } catch (java.security.GeneralSecurityException | CloneNotSupportedException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public String getAlgorithmName() {
        return name;
    }

    @Override
    public int getDigestSize() {
        return digest.getDigestLength();
    }

    @Override
    public int getByteLength() {
        return blockLength;
    }

    @Override
    public void update(byte in) {
        digest.update(in);
    }

    @Override
    public void update(byte[] in, int inOff, int len) {
        digest.update(in, inOff, len);
    }

    @Override
    public int doFinal(byte[] out, int outOff) {
        try {
            return digest.digest(out, outOff, digest.getDigestLength());
        } catch (DigestException e) {
            throw new IllegalArgumentException("output buffer too short", e);
        }
    }

    @Override
    public void reset() {
        digest.reset();
    }

    @Override
    public Memoable copy() {
        return new JdkDigest(name, blockLength, cloneOf(digest));
    }

    @Override
    public void reset(Memoable other) {
        digest = cloneOf(((JdkDigest) other).digest);
    }

    private static MessageDigest cloneOf(MessageDigest d) {
        try {
            return (MessageDigest) d.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(d.getAlgorithm() + " cannot be cloned", e);
        }
    }
}
