package dev.tern.coap.leshan;

import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.eclipse.leshan.servers.security.EditableSecurityStore;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.eclipse.leshan.servers.security.SecurityStore;

/**
 * The raw public keys (RFC 7250) of the devices of Leshan's security store, as the DTLS handshake's
 * trust decision. Leshan's store has no lookup by key, only {@code getAll()}, so the keys are kept
 * in a set, rebuilt from the store when a key is not found and the set is older than
 * {@code refresh}: a flood of unknown keys costs one rebuild per {@code refresh}, not one scan per
 * handshake. A store that cannot list its devices leaves the decision to Leshan's authorizer
 * (every key passes the handshake), as Leshan's Californium transport does for all keys.
 */
final class KnownKeys {
    private final Supplier<SecurityStore> store;
    private final long refreshNanos;
    private final LongSupplier nanoTime;
    private volatile Set<ByteBuffer> keys = Set.of();
    private volatile long builtAt;
    private volatile boolean built;
    private int rebuilds;

    KnownKeys(Supplier<SecurityStore> store, Duration refresh, LongSupplier nanoTime) {
        this.store = store;
        this.refreshNanos = refresh.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Whether a device of the store has {@code key}. */
    boolean contains(PublicKey key) {
        SecurityStore s = store.get();
        if (s == null) {
            return false;
        }
        if (!(s instanceof EditableSecurityStore editable)) {
            return true;
        }
        ByteBuffer encoded = ByteBuffer.wrap(key.getEncoded());
        if (keys.contains(encoded)) {
            return true;
        }
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if (built && now - builtAt < refreshNanos) {
                return keys.contains(encoded);
            }
            Set<ByteBuffer> fresh = new HashSet<>();
            for (SecurityInfo info : editable.getAll()) {
                if (info.useRPK()) {
                    fresh.add(ByteBuffer.wrap(info.getRawPublicKey().getEncoded()));
                }
            }
            keys = fresh;
            builtAt = now;
            built = true;
            rebuilds++;
            return fresh.contains(encoded);
        }
    }

    /** How often the set was rebuilt (tests). */
    synchronized int rebuilds() {
        return rebuilds;
    }
}
