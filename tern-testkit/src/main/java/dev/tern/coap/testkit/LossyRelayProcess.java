package dev.tern.coap.testkit;

import dev.tern.coap.testkit.LossyRelay.Counters;
import dev.tern.coap.testkit.LossyRelay.Impairment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link LossyRelay} in its own JVM ({@link LossyRelayMain}), started from the current JVM's {@code java} with
 * the current class path. {@link #start} returns once the relay has printed its port; {@link #close()} asks it to
 * quit, keeps the counters it prints on exit, and kills it if it does not exit in time. The child's stdin is a
 * pipe from this JVM, so the relay also exits when this JVM dies.
 */
public final class LossyRelayProcess implements LossyPath {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Writer stdin;
    private final Thread reader;
    private final CompletableFuture<InetSocketAddress> listening = new CompletableFuture<>();
    private final CompletableFuture<Counters> finalCounters = new CompletableFuture<>();
    private final BlockingQueue<Counters> stats = new LinkedBlockingQueue<>();
    private final List<String> otherOutput = new CopyOnWriteArrayList<>();
    private InetSocketAddress address;
    private boolean closed;

    private LossyRelayProcess(List<String> command) throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        reader = new Thread(this::readOutput, "lossy-relay-process-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a relay process to {@code server} impairing each direction as given, seeded as
     * {@link LossyRelay#start(InetSocketAddress, Impairment, Impairment, long)} is, so the same datagrams in the
     * same order meet the same decisions in either.
     */
    public static LossyRelayProcess start(InetSocketAddress server, Impairment toServer, Impairment toClient,
                                          long seed) throws IOException {
        return start(0, server, toServer, toClient, seed, LossyRelay.toClientSeed(seed));
    }

    /** Starts a relay process listening on 127.0.0.1:{@code listenPort} (0: any free port). */
    public static LossyRelayProcess start(int listenPort, InetSocketAddress server, Impairment toServer,
                                          Impairment toClient, long toServerSeed, long toClientSeed)
            throws IOException {
        String host = server.getAddress().getHostAddress();
        LossyRelayProcess relay = new LossyRelayProcess(command("--listen", Integer.toString(listenPort),
                "--server", (host.contains(":") ? "[" + host + "]" : host) + ":" + server.getPort(),
                "--to-server", arg(toServer), "--to-client", arg(toClient),
                "--to-server-seed", Long.toString(toServerSeed), "--to-client-seed", Long.toString(toClientSeed)));
        try {
            relay.address = relay.listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return relay;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            relay.close();
            throw new IOException("interrupted while starting the relay process", e);
        } catch (ExecutionException | TimeoutException e) {
            relay.close();
            throw new IOException("relay process did not start within " + START_TIMEOUT + "; output: "
                    + relay.otherOutput, e);
        }
    }

    /** The command line that runs {@link LossyRelayMain} with {@code args} in a new JVM like this one. */
    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m", LossyRelayMain.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static String java() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String arg(Impairment i) {
        return i.drop() + "," + i.duplicate() + "," + i.maxDelayMillis() + "," + i.maxDropsInARow();
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith(LossyRelayMain.LISTENING) && !listening.isDone()) {
                    String at = line.substring(LossyRelayMain.LISTENING.length()).strip();
                    int colon = at.lastIndexOf(':');
                    listening.complete(new InetSocketAddress(at.substring(0, colon),
                            Integer.parseInt(at.substring(colon + 1))));
                } else if (line.startsWith(LossyRelayMain.STATS)) {
                    stats.add(Counters.parse(line.substring(LossyRelayMain.STATS.length())));
                } else if (line.startsWith(LossyRelayMain.FINAL)) {
                    finalCounters.complete(Counters.parse(line.substring(LossyRelayMain.FINAL.length())));
                } else {
                    otherOutput.add(line);
                    System.out.println("[relay " + process.pid() + "] " + line);
                }
            }
        } catch (IOException | RuntimeException e) {
            otherOutput.add("(reading the relay's output failed: " + e + ")");
        } finally {
            IllegalStateException gone = new IllegalStateException("relay process output ended; output: "
                    + otherOutput);
            listening.completeExceptionally(gone);
            finalCounters.completeExceptionally(gone);
        }
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    /** Asks the running relay for its counters; after {@link #close()}, the counters it printed on exit. */
    @Override
    public synchronized Counters counters() {
        if (closed) {
            return finalCounters();
        }
        try {
            stdin.write("stats\n");
            stdin.flush();
            Counters c = stats.poll(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (c == null) {
                throw new IllegalStateException("relay process did not answer stats within " + REPLY_TIMEOUT);
            }
            return c;
        } catch (IOException e) {
            throw new IllegalStateException("relay process is gone; output: " + otherOutput, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The counters the relay printed on exit; only after {@link #close()}. */
    public synchronized Counters finalCounters() {
        if (!closed) {
            throw new IllegalStateException("still running");
        }
        if (!finalCounters.isDone() || finalCounters.isCompletedExceptionally()) {
            throw new IllegalStateException("the relay process printed no final counters; output: " + otherOutput);
        }
        return finalCounters.join();
    }

    /** The process's exit status, once it has exited. */
    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /** The relay process. */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** Lines the relay printed besides its port and counters (errors, mostly). */
    public List<String> otherOutput() {
        return List.copyOf(otherOutput);
    }

    /** Closes the relay's stdin without sending {@code quit}, as if this JVM had died; for tests of the relay. */
    synchronized void closeInput() throws IOException {
        stdin.close();
    }

    /**
     * Sends {@code quit} and closes the relay's stdin, waits (bounded) for its final counters and its exit, then
     * destroys it, forcibly if need be.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stdin.write("quit\n");
            stdin.close();
        } catch (IOException e) {
            // already gone: the waits below are short then
        }
        boolean interrupted = false;
        try {
            try {
                finalCounters.get(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // finalCounters() reports it
            }
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            reader.join(2000);
        } catch (InterruptedException e) {
            interrupted = true;
            process.destroyForcibly();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "relay process " + process.pid() + " at " + address;
    }
}
