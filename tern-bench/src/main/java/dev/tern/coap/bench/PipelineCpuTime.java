package dev.tern.coap.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * {@link PipelineBenchmark}'s request loop timed in thread CPU time rather than wall time, so that
 * other processes competing for the cores (a shared machine) do not count. One configuration (a
 * value of its {@code metrics} parameter) per JVM, so that the engine's calls to the listener stay
 * as monomorphic as in a real server; run several JVMs in turns and compare their medians:
 *
 * <pre>
 * for i in 1 2 3; do for m in none prometheus; do
 *   java -cp tern-bench/target/tern-bench.jar dev.tern.coap.bench.PipelineCpuTime $m; done; done
 * </pre>
 *
 * Prints the median CPU nanoseconds per request over the measured rounds, after a warm-up.
 */
public final class PipelineCpuTime {
    private static final int WARMUP_ROUNDS = 5;
    private static final int ROUNDS = 10;
    private static final int REQUESTS = 1_000_000;

    private PipelineCpuTime() {
    }

    /** Measures the configuration {@code args[0]}. */
    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        PipelineBenchmark b = new PipelineBenchmark();
        b.metrics = args[0];
        b.setUp();
        double[] perRequest = new double[ROUNDS];
        long sink = 0;
        for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < REQUESTS; i++) {
                sink += b.request();
            }
            if (round >= 0) {
                perRequest[round] = (threads.getCurrentThreadCpuTime() - start) / (double) REQUESTS;
            }
        }
        b.tearDown();
        Arrays.sort(perRequest);
        System.out.printf("%s %.1f ns/request CPU (median of %d; min %.1f, max %.1f)%s%n", args[0],
                Medians.of(perRequest), ROUNDS, perRequest[0], perRequest[ROUNDS - 1], sink == 42 ? "!" : "");
    }
}
