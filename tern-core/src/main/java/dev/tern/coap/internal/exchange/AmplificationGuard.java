package dev.tern.coap.internal.exchange;

import dev.tern.coap.Bytes;
import dev.tern.coap.EndpointConfig;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Amplification mitigation (RFC 7252 §11.3, RFC 9175 §2.4): decides whether a response may go to
 * a peer unverified so far, and makes and checks the Echo values that verify it.
 *
 * <p>An Echo value is stateless and 16 bytes long, so that the 4.01 carrying it stays small: 4 bytes
 * of time (the scheduler clock in milliseconds, modulo 2^32), 4 random bytes and the first 8 bytes
 * of an HMAC-SHA256 over the peer's address, port, time and random bytes, keyed by a per-endpoint
 * random secret. It is valid for {@link #ECHO_FRESHNESS_NANOS} and only for the peer it
 * was sent to; comparison is constant-time. Verified peers are kept in an LRU table bounded by
 * {@link EndpointConfig#maxPeers()}, each for {@link EndpointConfig#verifiedPeerLifetime()}.
 * Confined to the scheduler thread.
 */
public final class AmplificationGuard {
    /** How long an Echo value is accepted after it was issued: 60 s. */
    public static final long ECHO_FRESHNESS_NANOS = 60_000_000_000L;
    private static final int MAC_LENGTH = 8;
    private static final int HEAD_LENGTH = 8;
    private static final int ECHO_LENGTH = HEAD_LENGTH + MAC_LENGTH;

    private final int factor;
    private final long lifetimeNanos;
    private final int maxVerified;
    private final LongSupplier clock;
    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec key;
    private final Map<InetSocketAddress, Long> verified;

    /** A guard for one endpoint, with a fresh random secret. */
    public AmplificationGuard(EndpointConfig config, LongSupplier clock) {
        this.factor = config.amplificationLimit();
        this.lifetimeNanos = config.verifiedPeerLifetime().toNanos();
        this.maxVerified = config.maxPeers();
        this.clock = clock;
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.verified = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Long> eldest) {
                return size() > maxVerified;
            }
        };
    }

    /** Whether the mitigation is on. */
    public boolean enabled() {
        return factor > 0;
    }

    /** The factor (RFC 9175 §2.4); 0 when the mitigation is off. */
    public int factor() {
        return factor;
    }

    /** Whether a response of {@code responseSize} bytes to a request of {@code requestSize} may be sent. */
    public boolean allows(InetSocketAddress peer, int requestSize, int responseSize) {
        if (factor <= 0 || (long) responseSize <= (long) factor * requestSize) {
            return true;
        }
        return isVerified(peer);
    }

    /** Whether the peer completed an Echo round trip within its lifetime. */
    public boolean isVerified(InetSocketAddress peer) {
        Long until = verified.get(peer);
        if (until == null) {
            return false;
        }
        if (clock.getAsLong() - until > 0) {
            verified.remove(peer);
            return false;
        }
        return true;
    }

    /** Checks an Echo value from a request; a valid, fresh one marks the peer verified. */
    public boolean verify(InetSocketAddress peer, Bytes echo) {
        byte[] value = echo.toArray();
        if (value.length != ECHO_LENGTH) {
            return false;
        }
        int issued = ByteBuffer.wrap(value, 0, 4).getInt();
        long age = (long) (millis() - issued); // modulo 2^32
        byte[] expected = mac(peer, value);
        byte[] actual = new byte[MAC_LENGTH];
        System.arraycopy(value, HEAD_LENGTH, actual, 0, MAC_LENGTH);
        if (!MessageDigest.isEqual(expected, actual) || age < 0 || age * 1_000_000L > ECHO_FRESHNESS_NANOS) {
            return false;
        }
        verified.put(peer, clock.getAsLong() + lifetimeNanos);
        return true;
    }

    /** A fresh Echo value for the peer. */
    public Bytes newEcho(InetSocketAddress peer) {
        byte[] value = new byte[ECHO_LENGTH];
        ByteBuffer.wrap(value).putInt(millis());
        byte[] nonce = new byte[4];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, value, 4, 4);
        System.arraycopy(mac(peer, value), 0, value, HEAD_LENGTH, MAC_LENGTH);
        return Bytes.wrap(value);
    }

    private int millis() {
        return (int) (clock.getAsLong() / 1_000_000L);
    }

    /** Verified peers currently remembered. */
    public int verifiedPeers() {
        return verified.size();
    }

    private byte[] mac(InetSocketAddress peer, byte[] value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(peer.getAddress() != null ? peer.getAddress().getAddress()
                    : peer.getHostString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            mac.update((byte) (peer.getPort() >>> 8));
            mac.update((byte) peer.getPort());
            mac.update(value, 0, HEAD_LENGTH);
            byte[] full = mac.doFinal();
            byte[] out = new byte[MAC_LENGTH];
            System.arraycopy(full, 0, out, 0, MAC_LENGTH);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
