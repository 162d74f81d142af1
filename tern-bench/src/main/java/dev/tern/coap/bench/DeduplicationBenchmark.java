package dev.tern.coap.bench;

import dev.tern.coap.internal.message.DeduplicationCache;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The deduplication cache of a busy server (RFC 7252 §4.5): one CON request recorded per
 * invocation from one of {@code peers} IPv4 clients, each counting its Message IDs up from a random
 * start, and a 4-byte reply stored for it. The cache (100 000 entries, the default bound) is full
 * after the set-up, so every invocation also evicts the oldest entry: the steady state under load.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DeduplicationBenchmark {
    private static final int CAPACITY = 100_000;
    private static final byte[] REPLY = {0x60, 0x45, 0, 0};

    @Param({"100", "1000"})
    public int peers;

    private InetSocketAddress[] addresses;
    private int[] messageIds;
    private DeduplicationCache cache;
    private SplittableRandom random;
    private long now;

    /** Fills the cache. */
    @Setup(Level.Trial)
    public void setUp() throws UnknownHostException {
        random = new SplittableRandom(1);
        addresses = new InetSocketAddress[peers];
        messageIds = new int[peers];
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int i = 0; i < peers; i++) {
            addresses[i] = new InetSocketAddress(loopback, 10_000 + i);
            messageIds[i] = random.nextInt(0x10000);
        }
        cache = new DeduplicationCache(CAPACITY, 247_000_000_000L, 145_000_000_000L, 42);
        for (int i = 0; i < 2 * CAPACITY; i++) {
            record();
        }
    }

    /** Records one new request and its reply; returns the handle. */
    @Benchmark
    public long record() {
        int p = random.nextInt(peers);
        int mid = messageIds[p];
        messageIds[p] = (mid + 1) & 0xFFFF;
        long entry = cache.record(addresses[p], mid, true, now++);
        cache.reply(entry, REPLY, REPLY.length);
        return entry;
    }
}
