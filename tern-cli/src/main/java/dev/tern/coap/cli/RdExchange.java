package dev.tern.coap.cli;

import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.spi.SecurityLayer;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToIntFunction;

/**
 * The one request of a {@code tern rd} subcommand: sends it, reports a failure or a 4.xx/5.xx answer
 * on stderr (as {@code tern get} does) and hands a successful response to the subcommand's printer.
 */
final class RdExchange {
    private RdExchange() {
    }

    /** Sends {@code request}, waiting at most {@code maxTime} (MAX_TRANSMIT_WAIT when null); the exit status. */
    static int send(Io io, Exchanger.Factory exchangers, SecurityLayer security, Request request, Duration maxTime,
                    boolean verbose, boolean quiet, ToIntFunction<Response> onSuccess) {
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
