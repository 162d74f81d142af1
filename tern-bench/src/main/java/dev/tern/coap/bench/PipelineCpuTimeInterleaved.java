package dev.tern.coap.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Two configurations of {@link PipelineBenchmark} (values of its {@code metrics} parameter) in one
 * JVM, timed in thread CPU time in short alternating rounds (A B B A ...), so that the noise of a
 * shared machine (other processes' cache and memory traffic, frequency changes) falls on both
 * alike; {@link PipelineCpuTime} runs one configuration per JVM instead, which keeps call sites
 * monomorphic but compares JVMs started minutes apart. Prints the median of the per-round ratios
 * B/A and the ratio of the medians:
 *
 * <pre>
 * java -cp tern-bench/target/tern-bench.jar dev.tern.coap.bench.PipelineCpuTimeInterleaved none prometheus
 * </pre>
 */
public final class PipelineCpuTimeInterleaved {
    private static final int WARMUP_ROUNDS = 40;
    private static final int ROUNDS = 400;
    private static final int REQUESTS = 50_000;

    private PipelineCpuTimeInterleaved() {
    }

    /** Compares the configurations {@code args[0]} (A) and {@code args[1]} (B). */
    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        PipelineBenchmark a = new PipelineBenchmark();
        a.metrics = args[0];
        a.setUp();
        PipelineBenchmark b = new PipelineBenchmark();
        b.metrics = args[1];
        b.setUp();
        double[] timesA = new double[ROUNDS];
        double[] timesB = new double[ROUNDS];
        double[] ratios = new double[ROUNDS];
        long sink = 0;
        for (int round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
            boolean aFirst = (round & 1) == 0; // alternate the order: neither always runs second
            double first = time(threads, aFirst ? a : b);
            double second = time(threads, aFirst ? b : a);
            sink += a.request() + b.request();
            if (round >= 0) {
                timesA[round] = aFirst ? first : second;
                timesB[round] = aFirst ? second : first;
                ratios[round] = timesB[round] / timesA[round];
            }
        }
        a.tearDown();
        b.tearDown();
        Arrays.sort(timesA);
        Arrays.sort(timesB);
        Arrays.sort(ratios);
        double medianA = Medians.of(timesA);
        double medianB = Medians.of(timesB);
        System.out.printf("%s %.1f ns/request, %s %.1f ns/request (medians of %d rounds of %d); "
                        + "B/A: median of round ratios %.3f (quartiles %.3f-%.3f), ratio of medians %.3f%s%n",
                args[0], medianA, args[1], medianB, ROUNDS, REQUESTS,
                Medians.of(ratios), ratios[ROUNDS / 4], ratios[3 * ROUNDS / 4],
                medianB / medianA, sink == 42 ? "!" : "");
    }

    private static double time(ThreadMXBean threads, PipelineBenchmark bench) {
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < REQUESTS; i++) {
            bench.request();
        }
        return (threads.getCurrentThreadCpuTime() - start) / (double) REQUESTS;
    }
}
