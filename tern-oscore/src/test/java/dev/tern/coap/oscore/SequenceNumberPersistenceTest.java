package dev.tern.coap.oscore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sender Sequence Numbers survive restarts in steps of K (RFC 8613 Appendix B.1.1): no nonce is reused. */
class SequenceNumberPersistenceTest {
    @TempDir
    Path dir;

    static SecurityContext context(SequenceNumberStore store, int k) {
        return SecurityContext.builder().masterSecret(Vectors.SECRET).senderId(Bytes.fromHex("01"))
                .recipientId(Bytes.fromHex("02")).sequenceNumberStore(store).persistenceStep(k).build();
    }

    static byte[] sentPartialIv(SecurityContext ctx) {
        OscoreMessage m = Oscore.protectRequest(ctx, new OscoreMessage(Code.GET,
                Options.builder().uriPath("x").build(), Bytes.EMPTY)).message();
        byte[] v = m.options().first(OptionNumber.OSCORE).orElseThrow().value().toArray();
        int n = v[0] & 0x07;
        return java.util.Arrays.copyOfRange(v, 1, 1 + n);
    }

    /** Crash after every few messages (the context is dropped without any shutdown): every nonce stays unique. */
    @Test
    void restartsNeverReuseANonce() {
        Path file = dir.resolve("seq.txt");
        Set<String> nonces = new HashSet<>();
        int sent = 0;
        for (int restart = 0; restart < 20; restart++) {
            SecurityContext ctx = context(SequenceNumberStore.file(file), 8);
            int burst = 1 + restart % 11; // sometimes within one step, sometimes across several
            for (int i = 0; i < burst; i++) {
                String piv = Bytes.wrap(sentPartialIv(ctx)).hex();
                assertThat(nonces.add(piv)).as("Partial IV %s reused after restart %d", piv, restart).isTrue();
                sent++;
            }
        }
        assertThat(nonces).hasSize(sent);
    }

    /** The store is written once per K numbers, ahead of use, not once per message. */
    @Test
    void storesOncePerStepAndBeforeUse() {
        AtomicInteger writes = new AtomicInteger();
        long[] last = {-1};
        SequenceNumberStore counting = new SequenceNumberStore() {
            @Override
            public OptionalLong load(String contextKey) {
                return OptionalLong.empty();
            }

            @Override
            public void store(String contextKey, long nextUnused) {
                writes.incrementAndGet();
                last[0] = nextUnused;
            }
        };
        SecurityContext ctx = context(counting, 16);
        for (int i = 0; i < 100; i++) {
            long used = ctx.senderSequenceNumber();
            sentPartialIv(ctx);
            assertThat(last[0]).as("reserved before use").isGreaterThan(used);
        }
        assertThat(writes.get()).isEqualTo(7); // 0, 16, 32, 48, 64, 80, 96
    }

    /** If the reservation cannot be stored, nothing is sent: a number that might be lost is never used. */
    @Test
    void failingStoreStopsSending() {
        SequenceNumberStore broken = new SequenceNumberStore() {
            @Override
            public OptionalLong load(String contextKey) {
                return OptionalLong.empty();
            }

            @Override
            public void store(String contextKey, long nextUnused) {
                throw new UncheckedIOException(new java.io.IOException("disk full"));
            }
        };
        SecurityContext ctx = context(broken, 4);
        assertThatThrownBy(() -> sentPartialIv(ctx)).isInstanceOf(UncheckedIOException.class);
        assertThat(ctx.senderSequenceNumber()).isZero();
    }

    /** A damaged file fails the start instead of silently restarting at 0 (which would reuse nonces). */
    @Test
    void corruptFileFailsClosed() throws Exception {
        Path file = dir.resolve("seq.txt");
        Files.writeString(file, "sid-01.rid-02.ctx-none twelve\n", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> context(SequenceNumberStore.file(file), 8)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void fileIsReplacedAtomicallyAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("seq.txt");
        SecurityContext ctx = context(SequenceNumberStore.file(file), 8);
        for (int i = 0; i < 20; i++) {
            sentPartialIv(ctx);
        }
        assertThat(Files.readString(file)).isEqualTo("sid-01.rid-02.ctx-none 24\n");
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("seq.txt");
        }
    }
}
