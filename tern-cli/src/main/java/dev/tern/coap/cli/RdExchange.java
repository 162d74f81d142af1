package dev.tern.coap.cli;

import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Method;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.spi.SecurityLayer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToIntFunction;
import picocli.CommandLine.Option;

/**
 * The one request of a {@code tern rd} subcommand and the options every such subcommand shares (a
 * picocli mixin: {@code -B/--max-time}, {@code -v}, {@code -q}): builds the
 * request for the directory's address, sends it, reports a failure or a 4.xx/5.xx answer on stderr
 * (as {@code tern get} does) and hands a successful response to the subcommand's printer.
 */
final class RdExchange {
    @Option(names = {"-B", "--max-time"}, paramLabel = "SECONDS", converter = SecondsConverter.class,
            description = "give up after SECONDS (default: 93 s)")
    Duration maxTime;

    @Option(names = {"-v", "--verbose"}, description = "show the messages sent (>) and received (<) on stderr")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "no diagnostics on stderr; only the exit status tells")
    boolean quiet;

    private SecurityLayer security;

    /**
     * A {@code method} request to {@code target}'s resolved address, without the URI's query and with
     * {@code --max-time} as its timeout, secured by {@code dtls} for a coaps target; empty when the
     * host does not resolve (reported on stderr).
     */
    Optional<Request.Builder> request(Io io, Method method, Target target, DtlsClientFlags dtls) {
        DtlsClientFlags flags = dtls != null ? dtls : new DtlsClientFlags.Standard();
        security = flags.layer(target, io.err());
        Optional<InetSocketAddress> resolved = target.resolveOrReport(io.err(), quiet);
        if (resolved.isEmpty()) {
            return Optional.empty();
        }
        Request.Builder b = Request.builder(method, target.uri()).peer(resolved.get())
                .options(o -> o.remove(OptionNumber.URI_QUERY));
        if (maxTime != null) {
            b.timeout(maxTime);
        }
        return Optional.of(b);
    }

    /** Sends {@code request}, waiting at most {@code --max-time} (MAX_TRANSMIT_WAIT when unset); the exit status. */
    int send(Io io, Exchanger.Factory exchangers, Request request, ToIntFunction<Response> onSuccess) {
        Duration timeout = maxTime != null ? maxTime : EndpointConfig.defaults().requestTimeout();
        try (Exchanger client = exchangers.open(verbose ? new TraceWriter(io.err(), false) : null, security)) {
            Response r = client.send(request).get(timeout.plusSeconds(2).toMillis(), TimeUnit.MILLISECONDS);
            int status = ExitCodes.of(r.code());
            if (status != ExitCodes.OK) {
                if (!quiet) {
                    io.err().println("tern: " + r.code() + " " + r.code().reason()
                            + (r.payload().isEmpty() ? "" : ": " + r.payloadString()));
                }
                return status;
            }
            return onSuccess.applyAsInt(r);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return Failures.report(e, request.uri(), timeout, io.err(), quiet);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Failures.report(e, request.uri(), timeout, io.err(), quiet);
        }
    }
}
