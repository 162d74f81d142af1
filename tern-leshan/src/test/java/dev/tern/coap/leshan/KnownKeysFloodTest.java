package dev.tern.coap.leshan;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.leshan.servers.security.InMemorySecurityStore;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.junit.jupiter.api.Test;

/**
 * The handshake's raw public key check (RFC 7250) against Leshan's security store under a flood of
 * unknown keys: one scan of the store per refresh period, not one per handshake.
 */
class KnownKeysFloodTest {
    @Test
    void aFloodOfUnknownKeysCostsOneScanPerPeriod() throws Exception {
        InMemorySecurityStore store = new InMemorySecurityStore();
        List<PublicKey> devices = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            PublicKey k = TestKeys.ecKeyPair().getPublic();
            devices.add(k);
            store.add(SecurityInfo.newRawPublicKeyInfo("device-" + i, k));
        }
        AtomicLong clock = new AtomicLong();
        KnownKeys known = new KnownKeys(() -> store, Duration.ofSeconds(1), clock::get);
        assertThat(known.contains(devices.get(7))).isTrue();
        List<PublicKey> strangers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            strangers.add(TestKeys.ecKeyPair().getPublic());
        }
        for (int round = 0; round < 200; round++) {       // 10 000 handshakes with unknown keys in one period
            for (PublicKey k : strangers) {
                assertThat(known.contains(k)).isFalse();
            }
        }
        assertThat(known.rebuilds()).isEqualTo(1);
        assertThat(known.contains(devices.get(199))).isTrue();

        PublicKey late = TestKeys.ecKeyPair().getPublic();     // a device added within the period waits for it
        store.add(SecurityInfo.newRawPublicKeyInfo("device-late", late));
        assertThat(known.contains(late)).isFalse();
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(known.contains(late)).isTrue();
        assertThat(known.rebuilds()).isEqualTo(2);
        assertThat(known.contains(strangers.get(0))).isFalse();
        assertThat(known.rebuilds()).isEqualTo(2);
    }
}
