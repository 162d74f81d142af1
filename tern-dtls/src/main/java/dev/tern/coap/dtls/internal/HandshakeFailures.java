package dev.tern.coap.dtls.internal;

import dev.tern.coap.dtls.DtlsConfig;
import java.io.IOException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;

/**
 * Why a DTLS handshake or session failed (RFC 5246 §7.2 alerts), in words for logs and exceptions;
 * and the small chores around failures and snapshots of a transport.
 */
final class HandshakeFailures {
    private HandshakeFailures() {
    }

    /** A short human reason for a failed handshake or session. */
    static String describe(Throwable e, DtlsConfig config) {
        if (e instanceof TlsFatalAlertReceived r) {
            short a = r.getAlertDescription();
            String hint = switch (a) {
                case AlertDescription.decrypt_error, AlertDescription.bad_record_mac ->
                        " (wrong pre-shared key or identity?)";
                case AlertDescription.unknown_psk_identity -> " (the peer does not know this PSK identity)";
                case AlertDescription.handshake_failure -> " (no common cipher suite or credentials?)";
                case AlertDescription.bad_certificate, AlertDescription.unknown_ca,
                        AlertDescription.certificate_unknown -> " (the peer does not trust our certificate or key)";
                default -> "";
            };
            return "the peer sent alert " + AlertDescription.getText(a) + hint;
        }
        if (e instanceof TlsFatalAlert f) {
            String m = f.getMessage();
            String text = AlertDescription.getText(f.getAlertDescription());
            if (f.getAlertDescription() == AlertDescription.decrypt_error) {
                return "the peer's Finished did not verify: " + text + " (wrong pre-shared key?)";
            }
            String detail = m != null && m.startsWith(text + "; ") ? m.substring(text.length() + 2) : null;
            return detail != null ? detail + " (" + text + ")" : text;
        }
        if (e instanceof TlsTimeoutException || e instanceof SilentAfterKeyExchange) {
            String within = "no handshake response within " + config.handshakeTimeout().toSeconds() + " s";
            return e instanceof SilentAfterKeyExchange ? within + ": " + e.getMessage() : within;
        }
        if (e instanceof Session.ClosedSession) {
            return "the session was closed";
        }
        return e.toString();
    }

    /**
     * A metric tag for a failed handshake ({@code EndpointMetrics.handshakeFailed}): the alert's name
     * (RFC 5246 §7.2, e.g. {@code decrypt_error}), {@code timeout}, {@code closed} or {@code other};
     * a small fixed set, whatever the peer sends.
     */
    static String failureReason(Throwable e) {
        if (e instanceof TlsFatalAlertReceived r) {
            return AlertDescription.getName(r.getAlertDescription());
        }
        if (e instanceof TlsFatalAlert f) {
            return AlertDescription.getName(f.getAlertDescription());
        }
        if (e instanceof TlsTimeoutException || e instanceof SilentAfterKeyExchange) {
            return "timeout";
        }
        return e instanceof Session.ClosedSession ? "closed" : "other";
    }

    /** Runs {@code task} on {@code scheduler}'s thread and waits for its result (introspection from other threads). */
    static <T> T onScheduler(dev.tern.coap.spi.Scheduler scheduler, java.util.function.Supplier<T> task) {
        java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
        scheduler.execute(() -> f.complete(task.get()));
        try {
            return f.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the endpoint's thread did not answer", e);
        }
    }

    static void closeQuietly(DTLSTransport t) {
        if (t == null) {
            return;
        }
        try {
            t.close();
        } catch (IOException | RuntimeException e) {
            // already gone
        }
    }

    /** A client handshake timed out after the server had answered the hello: likely other credentials. */
    static final class SilentAfterKeyExchange extends IOException {
        private static final long serialVersionUID = 1L;

        SilentAfterKeyExchange(TlsTimeoutException cause) {
            super("the server went silent after the key exchange (servers such as libcoap's do when the"
                    + " pre-shared key or the client credentials differ)", cause);
        }
    }
}
