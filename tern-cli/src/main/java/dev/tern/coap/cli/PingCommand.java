package dev.tern.coap.cli;

import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageTracer;
import dev.tern.coap.spi.SecurityLayer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tern ping URI}: a CoAP ping (empty CON answered by RST, RFC 7252 §4.3) and its round-trip time. */
@Command(name = "ping", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        description = "CoAP ping: send an empty Confirmable message and wait for the Reset (RFC 7252 §4.3).",
        footer = {"", "Exit status: 0 on pong, 3 when none came in time, 1 for other failures",
            "(including a failed DTLS handshake), 2 for usage errors."})
public final class PingCommand implements Callable<Integer> {
    private final Io io;
    private final Exchanger.Factory exchangers;

    @Parameters(index = "0", paramLabel = "URI", description = "coap://host[:port], coaps://host[:port], or coap+tcp, coaps+tcp, coap+ws, coaps+ws (7.02 Ping, 7.03 Pong); the path is ignored")
    String uri;

    @Option(names = {"-B", "--max-time"}, paramLabel = "SECONDS", converter = SecondsConverter.class,
            description = "give up after SECONDS (default: MAX_TRANSMIT_WAIT, 93 s)")
    Duration maxTime;

    @Option(names = {"-v", "--verbose"}, description = "show the messages sent (>) and received (<) on stderr")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "print nothing; only the exit status tells")
    boolean quiet;

    @ArgGroup(validate = false, heading = DtlsClientFlags.HEADING)
    DtlsClientFlags.Standard dtls = new DtlsClientFlags.Standard();

    /** A ping command talking to {@code io}. */
    public PingCommand(Io io) {
        this(io, Exchanger::coap);
    }

    PingCommand(Io io, Exchanger.Factory exchangers) {
        this.io = io;
        this.exchangers = exchangers;
    }

    @Override
    public Integer call() {
        Target target = Target.parse(uri);
        DtlsClientFlags flags = dtls != null ? dtls : new DtlsClientFlags.Standard();
        SecurityLayer security = flags.layer(target, io.err());
        dev.tern.coap.tcp.TlsConfig tls = flags.tls(target, io.err());
        java.util.Optional<InetSocketAddress> resolved = target.resolveOrReport(io.err(), quiet);
        if (resolved.isEmpty()) {
            return ExitCodes.ERROR;
        }
        InetSocketAddress address = resolved.get();
        Duration timeout = maxTime != null ? maxTime : EndpointConfig.defaults().requestTimeout();
        MessageTracer tracer = verbose ? flags.verbose(new TraceWriter(io.err(), true), security, io.err()) : null;
        try (Exchanger client = tls != null
                ? Exchanger.coap(tracer, null, null, EndpointConfig.CLIENT_MAX_BODY_SIZE, tls)
                : exchangers.open(tracer, security)) {
            Duration rtt = client.ping(target.uri()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!quiet) {
                io.out().println("pong from " + Addresses.format(address) + " in " + Addresses.millis(rtt));
                io.out().flush();
            }
            return ExitCodes.OK;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return Failures.report(e, target.uri(), timeout, io.err(), quiet);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Failures.report(e, target.uri(), timeout, io.err(), quiet);
        }
    }
}
