package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapResetException;
import dev.tern.coap.CoapSecurityException;
import dev.tern.coap.CoapTimeoutException;
import dev.tern.coap.CoapTransportException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FailuresTest {
    private static final String URI = "coap://127.0.0.1:5683/hello";

    @Test
    void timeoutIs3WithAClearMessage() {
        Captured c = new Captured(false);
        int status = Failures.report(new ExecutionException(new CoapTimeoutException("x")), URI, Duration.ofSeconds(5),
                c.io.err(), false);
        assertThat(status).isEqualTo(ExitCodes.TIMEOUT);
        assertThat(c.err()).isEqualTo("tern: no response from " + URI + " within 5 s (timeout)" + System.lineSeparator());
        assertThat(Failures.report(new TimeoutException(), URI, Duration.ofMillis(1500), c.io.err(), false)).isEqualTo(3);
        assertThat(c.err()).contains("within 1.5 s (timeout)");
    }

    @Test
    void resetAndTransportAre1() {
        Captured c = new Captured(false);
        assertThat(Failures.report(new CompletionException(new CoapResetException("rst")), URI, Duration.ofSeconds(1),
                c.io.err(), false)).isEqualTo(ExitCodes.ERROR);
        assertThat(c.err()).contains("answered with Reset");
        assertThat(Failures.report(new CoapTransportException("closed"), URI, Duration.ofSeconds(1), c.io.err(), false))
                .isEqualTo(ExitCodes.ERROR);
        assertThat(c.err()).contains("transport error talking to " + URI + ": closed");
    }

    @Test
    void securityFailureIs1WithTheReason() {
        Captured c = new Captured(false);
        String why = "DTLS handshake with 127.0.0.1:5684 failed: the peer sent alert decrypt_error(51)"
                + " (wrong pre-shared key or identity?)";
        assertThat(Failures.report(new ExecutionException(new CoapSecurityException(why)), "coaps://127.0.0.1/hello",
                Duration.ofSeconds(1), c.io.err(), false)).isEqualTo(ExitCodes.ERROR);
        assertThat(c.err()).isEqualTo("tern: " + why + System.lineSeparator());
    }

    @Test
    void quietPrintsNothing() {
        Captured c = new Captured(false);
        assertThat(Failures.report(new CoapTimeoutException("x"), URI, Duration.ofSeconds(1), c.io.err(), true)).isEqualTo(3);
        assertThat(c.err()).isEmpty();
    }
}
