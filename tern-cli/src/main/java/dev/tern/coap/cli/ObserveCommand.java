package dev.tern.coap.cli;

import dev.tern.coap.CoapClient;
import dev.tern.coap.Observation;
import dev.tern.coap.Option;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.spi.SecurityLayer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tern observe URI}: registers as an observer (RFC 7641) and prints one notification per
 * line (or one JSON object per line), until {@code --count} notifications, {@code --duration},
 * the end of the observation, or Ctrl-C — which deregisters before exiting.
 */
@Command(name = "observe", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Observe a resource (RFC 7641): print each notification on its own line.",
        footer = {"", "The DTLS certificate flag is --cert only: -c is --count here."})
public final class ObserveCommand implements java.util.concurrent.Callable<Integer> {
    private final Io io;

    @Parameters(index = "0", paramLabel = "URI", description = "coap://host[:port]/path[?query] or coaps://... (DTLS)")
    String uri;

    @picocli.CommandLine.Option(names = {"-c", "--count"}, paramLabel = "N",
            description = "stop after N notifications (the first response counts)")
    Integer count;

    @picocli.CommandLine.Option(names = {"-d", "--duration"}, paramLabel = "D", converter = DurationConverter.class,
            description = "stop after D (30s, 2m, 1h, 500ms)")
    Duration duration;

    @picocli.CommandLine.Option(names = {"-A", "--accept"}, paramLabel = "TYPE", converter = ContentFormatConverter.class,
            description = "Accept option")
    Integer accept;

    @picocli.CommandLine.Option(names = {"-O", "--option"}, paramLabel = "NUM,VALUE", converter = OptionArgument.class,
            description = "add an option (repeatable)")
    List<Option> options = new ArrayList<>();

    @picocli.CommandLine.Option(names = {"-T", "--token"}, paramLabel = "HEX", converter = TokenConverter.class,
            description = "the token in hex: 0 to 8 bytes, or 13 to 65804 (extended token, RFC 8974)")
    dev.tern.coap.Bytes token;

    @picocli.CommandLine.Option(names = {"-N", "--non"}, description = "register with a NON request")
    boolean nonConfirmable;

    @picocli.CommandLine.Option(names = "--max-body", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "the largest notification body to assemble from blocks, e.g. 200k, 64M (default: 16M)")
    int maxBody = dev.tern.coap.EndpointConfig.CLIENT_MAX_BODY_SIZE;

    @picocli.CommandLine.Option(names = "--format", paramLabel = "FORMAT", description = "text (default) or json")
    OutputFormat format = OutputFormat.text;

    @picocli.CommandLine.Option(names = {"-v", "--verbose"}, description = "show messages on stderr")
    boolean verbose;

    @picocli.CommandLine.Option(names = {"-q", "--quiet"}, description = "no diagnostics on stderr")
    boolean quiet;

    @picocli.CommandLine.Option(names = {"-E", "--oscore"}, paramLabel = "CONF[,SEQ]",
            description = "observe with OSCORE (RFC 8613) as libcoap's coap-oscore-conf(5) file CONF describes;"
                    + " sequence numbers kept in SEQ (default: CONF.seq)")
    String oscore;

    @picocli.CommandLine.ArgGroup(validate = false, heading = DtlsClientFlags.HEADING)
    DtlsClientFlags.LongCert dtls = new DtlsClientFlags.LongCert();

    ObserveCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (count != null && count < 1) {
            throw new UsageException("--count must be at least 1");
        }
        Target target = Target.parse(uri);
        DtlsClientFlags flags = dtls != null ? dtls : new DtlsClientFlags.LongCert();
        SecurityLayer security = flags.layer(target, io.err());
        java.util.Optional<InetSocketAddress> resolved = target.resolveOrReport(io.err(), quiet);
        if (resolved.isEmpty()) {
            return ExitCodes.ERROR;
        }
        InetSocketAddress address = resolved.get();
        Request.Builder b = Request.get(target.uri()).peer(address);
        options.forEach(b::option);
        if (accept != null) {
            b.accept(accept);
        }
        if (token != null) {
            b.token(token);
        }
        if (nonConfirmable) {
            b.nonConfirmable();
        }
        CoapClient.Builder cb = CoapClient.builder()
                .config(dev.tern.coap.EndpointConfig.clientDefaults().toBuilder().maxBodySize(maxBody).build());
        if (security != null) {
            cb.security(security);
        }
        if (oscore != null) {
            cb.objectSecurity(OscoreSetup.client(oscore, io.err(), verbose));
        }
        if (ReliableClients.handles(target.scheme())) {
            // RFC 8323 §7: observe over a connection (coap+tcp, coaps+tcp, coap+ws, coaps+ws)
            cb.transport(ReliableClients.transport(target.scheme(), flags.tls(target, io.err())));
        }
        if (verbose) {
            cb.tracer(flags.verbose(new TraceWriter(io.err(), true), security, io.err()));
        }
        ResponsePrinter printer = new ResponsePrinter(io);
        AtomicInteger seen = new AtomicInteger();
        AtomicReference<Response> last = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        try (CoapClient client = cb.build()) {
            Observation obs = client.observe(b.build(), r -> {
                if (count != null && seen.get() >= count) {
                    return;
                }
                last.set(r);
                print(printer, r);
                if (count != null && seen.incrementAndGet() >= count) {
                    done.countDown();
                }
            });
            obs.ended().whenComplete((v, e) -> done.countDown());
            Thread hook = new Thread(() -> deregister(obs), "tern-observe-cancel");
            Runtime.getRuntime().addShutdownHook(hook);
            boolean finished = duration == null ? awaitForever(done) : done.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            deregister(obs);
            removeHook(hook);
            if (obs.ended().isCompletedExceptionally()) {
                return Failures.report(unwrap(obs), target.uri(), dev.tern.coap.EndpointConfig.defaults().requestTimeout(), io.err(), quiet);
            }
            Response r = last.get();
            if (!finished && r == null) {
                return ExitCodes.TIMEOUT;
            }
            return r == null ? ExitCodes.OK : ExitCodes.of(r.code());
        }
    }

    private static boolean awaitForever(CountDownLatch done) throws InterruptedException {
        done.await();
        return true;
    }

    private static Throwable unwrap(Observation obs) {
        try {
            obs.ended().join();
            return new IllegalStateException("observation ended");
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause() == null ? e : e.getCause();
        }
    }

    private static void deregister(Observation obs) {
        if (obs.isActive()) {
            obs.cancel();
            try {
                obs.ended().get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // leaving anyway; the server forgets us when a notification goes unanswered
            }
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs
        }
    }

    private void print(ResponsePrinter printer, Response r) {
        if (format == OutputFormat.json) {
            printer.printJson(r);
            return;
        }
        if (verbose) {
            printer.printHead(r);
        } else if (!r.isSuccess() && !quiet) {
            io.err().println("tern: " + r.code() + " " + r.code().reason()); // as tern get says it
            io.err().flush();
        }
        if (!r.isSuccess() && r.payload().isEmpty()) {
            return; // the code is on stderr already: no empty line on stdout
        }
        if (io.terminal()) {
            printer.printPayload(r);
        } else {
            io.out().write(r.payload().toArray(), 0, r.payload().length());
            io.out().println();
            io.out().flush();
        }
    }
}
