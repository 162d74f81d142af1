package dev.tern.coap.cli;

import dev.tern.coap.CoapBlockwiseException;
import dev.tern.coap.CoapMessageFormatException;
import dev.tern.coap.CoapResetException;
import dev.tern.coap.CoapSecurityException;
import dev.tern.coap.CoapTimeoutException;
import dev.tern.coap.CoapTransportException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Turns the failure of an exchange into a one-line message and an exit status. */
final class Failures {
    private Failures() {
    }

    /**
     * Reports {@code failure} of the exchange with {@code uri} (unless {@code quiet}) and returns
     * the exit status: 3 for a timeout, 1 otherwise (a failed DTLS handshake included).
     */
    static int report(Throwable failure, String uri, Duration timeout, PrintStream err, boolean quiet) {
        Throwable t = unwrap(failure);
        String message;
        int status;
        if (t instanceof CoapTimeoutException || t instanceof TimeoutException) {
            message = "no response from " + uri + " within " + Addresses.seconds(timeout) + " (timeout)"
                    + otherSchemeHint(uri);
            status = ExitCodes.TIMEOUT;
        } else if (t instanceof CoapResetException) {
            message = uri + " answered with Reset: it could not process the request";
            status = ExitCodes.ERROR;
        } else if (t instanceof CoapSecurityException) {
            // e.g. "DTLS handshake with 127.0.0.1:5684 failed: the peer sent alert decrypt_error (...)"
            message = t.getMessage();
            status = ExitCodes.ERROR;
        } else if (t instanceof CoapTransportException) {
            message = "transport error talking to " + uri + ": " + t.getMessage();
            status = ExitCodes.ERROR;
        } else if (t instanceof CoapBlockwiseException) {
            // names the setting to change, e.g. "the response body exceeds the client's maxBodySize ..."
            message = t.getMessage();
            status = ExitCodes.ERROR;
        } else if (t instanceof CoapMessageFormatException) {
            message = "message format error: " + t.getMessage();
            status = ExitCodes.ERROR;
        } else if (t instanceof InterruptedException) {
            message = "interrupted";
            status = ExitCodes.ERROR;
        } else if (t instanceof CancellationException) {
            message = "request cancelled";
            status = ExitCodes.ERROR;
        } else {
            message = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
            status = ExitCodes.ERROR;
        }
        if (!quiet) {
            err.println("tern: " + message);
        }
        return status;
    }

    /**
     * A DTLS server drops plain CoAP and a CoAP server ignores a ClientHello (RFC 7252 §3: not
     * version 1), so a scheme that does not match the port only shows as a timeout: name the
     * other scheme when the port is its default (5683 coap, 5684 coaps; RFC 7252 §6.1, §6.2).
     */
    static String otherSchemeHint(String uri) {
        dev.tern.coap.CoapUri u;
        try {
            u = dev.tern.coap.CoapUri.parse(uri);
        } catch (RuntimeException e) {
            return "";
        }
        String other = u.scheme().equals("coap") ? "coaps" : "coap";
        if (u.port() != dev.tern.coap.CoapUri.defaultPort(other)) {
            return "";
        }
        String rewritten = other + uri.substring(uri.indexOf("://"));
        return "; " + u.port() + " is the " + other + ":// port: try " + rewritten;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
