package dev.tern.coap.dtls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.dtls.DtlsLayer;
import dev.tern.coap.spi.EncryptedStateFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SessionParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resumption cache as state records (RFC 5246 §7.3): every field survives the round trip, a
 * record that does not decode is skipped (never half imported), and restoring 10 000 sessions from
 * an encrypted state file (open, decrypt, parse, import) takes well under a second (BENCHMARKS.md).
 */
class ResumptionRestoreTest {
    private static final byte[] KEY = "resumption bench key 32 bytes!!!".getBytes(StandardCharsets.US_ASCII);
    private static final int SESSIONS = 10_000;

    @TempDir
    Path dir;

    private static DtlsContext server(int cache) {
        return new DtlsContext(DtlsConfig.server().pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8))
                .sessionCacheSize(cache).build(), true);
    }

    private static Map<Bytes, byte[]> records(DtlsContext ctx, int n) {
        SecureRandom random = new SecureRandom();
        Map<Bytes, byte[]> out = new HashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] id = new byte[32];
            byte[] master = new byte[48];
            random.nextBytes(id);
            random.nextBytes(master);
            SessionParameters p = new SessionParameters.Builder().setCipherSuite(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8)
                    .setNegotiatedVersion(ProtocolVersion.DTLSv12).setExtendedMasterSecret(true)
                    .setMasterSecret(ctx.crypto.createSecret(master))
                    .setPSKIdentity(("dev" + i).getBytes(StandardCharsets.UTF_8)).build();
            Map.Entry<Bytes, byte[]> e = ResumptionRecords.server(id, p, ctx.crypto);
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    @Test
    void recordRoundTripsEveryField() {
        DtlsContext ctx = server(10);
        Map<Bytes, byte[]> one = records(ctx, 1);
        Bytes key = one.keySet().iterator().next();
        ResumptionRecords.Decoded d = ResumptionRecords.decode(one.get(key), ctx.crypto);
        assertThat(d.params().getCipherSuite()).isEqualTo(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8);
        assertThat(d.params().isExtendedMasterSecret()).isTrue();
        assertThat(d.params().getNegotiatedVersion()).isEqualTo(ProtocolVersion.DTLSv12);
        assertThat(new String(d.params().getPSKIdentity(), StandardCharsets.UTF_8)).isEqualTo("dev0");
        DtlsContext fresh = server(10);
        assertThat(fresh.importResumption(one)).isEqualTo(1);
        assertThat(fresh.serverSession(ResumptionRecords.sessionId(key))).isNotNull();
        assertThat(fresh.exportResumption()).containsOnlyKeys(key);
    }

    @Test
    void badRecordsAreSkippedWhole() {
        DtlsContext ctx = server(10);
        Map<Bytes, byte[]> good = records(ctx, 1);
        byte[] value = good.values().iterator().next();
        Map<Bytes, byte[]> bad = new HashMap<>();
        for (int n = 0; n < value.length; n++) {
            bad.put(Bytes.wrap(new byte[] {'S', (byte) n, 1}), java.util.Arrays.copyOf(value, n));
        }
        byte[] longer = java.util.Arrays.copyOf(value, value.length + 1);
        bad.put(Bytes.wrap(new byte[] {'S', 1, 2, 3}), longer);
        bad.put(Bytes.wrap(new byte[] {'X'}), value); // no role
        DtlsContext fresh = server(10);
        assertThat(fresh.importResumption(bad)).isZero();
        assertThat(fresh.exportResumption()).isEmpty();
    }

    @Test
    void restoringTenThousandSessionsFromTheStateFileTakesUnderASecond() throws Exception {
        DtlsContext ctx = server(SESSIONS);
        EncryptedStateFile writer = EncryptedStateFile.open(dir, KEY);
        writer.save("dtls.resumption", records(ctx, SESSIONS));
        writer.flush();
        writer.close();
        long size = Files.size(dir.resolve(EncryptedStateFile.FILE_NAME));
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            if (round > 0) {
                EncryptedStateFile again = EncryptedStateFile.open(dir.resolve("r" + round), KEY);
                again.save("dtls.resumption", records(ctx, SESSIONS));
                again.flush();
                again.close();
            }
            Path from = round == 0 ? dir : dir.resolve("r" + round);
            DtlsLayer layer = Dtls.server(DtlsConfig.server().pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8))
                    .sessionCacheSize(SESSIONS).build());
            long t0 = System.nanoTime();
            EncryptedStateFile store = EncryptedStateFile.open(from, KEY);
            layer.restoreState(store.load(layer.stateNamespace()));
            long nanos = System.nanoTime() - t0;
            store.close();
            assertThat(layer.exportState()).hasSize(SESSIONS);
            best = Math.min(best, nanos);
        }
        System.out.printf("restored %d DTLS resumption sessions from a %d-byte state file in %d ms (best of 3)%n",
                SESSIONS, size, best / 1_000_000);
        assertThat(best).as("restore time").isLessThan(1_000_000_000L * 3); // 1 s target, 3 s bound under CI load
    }
}
