package dev.tern.coap.cli;

import dev.tern.coap.CoapUri;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The URI argument: {@code coap://} is assumed when no scheme is given (as curl assumes http),
 * and the host is resolved up front so that an unknown host gets a clear message.
 */
final class Target {
    private final String uri;
    private final CoapUri parsed;

    private Target(String uri, CoapUri parsed) {
        this.uri = uri;
        this.parsed = parsed;
    }

    /** Parses the argument; throws {@link UsageException} when it is not a CoAP URI. */
    static Target parse(String argument) {
        String uri = argument.contains("://") ? argument : "coap://" + argument;
        CoapUri parsed;
        try {
            parsed = CoapUri.parse(uri);
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? "" : ": " + e.getMessage();
            throw new UsageException("invalid URI '" + argument + "'" + why);
        }
        if (parsed.host() == null || parsed.host().isEmpty()) {
            throw new UsageException("invalid URI '" + argument + "': no host");
        }
        String scheme = parsed.scheme();
        if (!scheme.equals("coap") && !scheme.equals("coaps") && !ReliableClients.handles(scheme)) {
            throw new UsageException("unsupported scheme '" + scheme + "' in '" + argument
                    + "' (use coap://, coaps://, coap+tcp://, coaps+tcp://, coap+ws:// or coaps+ws://)");
        }
        return new Target(uri, parsed);
    }

    /** The URI, with the scheme added when it was missing. */
    String uri() {
        return uri;
    }

    /** The URI's scheme, lower case. */
    String scheme() {
        return parsed.scheme();
    }

    /** Whether the URI is {@code coaps+tcp://} or {@code coaps+ws://} (CoAP over TLS, RFC 8323 §9.1). */
    boolean tls() {
        return parsed.scheme().equals("coaps+tcp") || parsed.scheme().equals("coaps+ws");
    }

    /** Whether the URI is {@code coaps://} (CoAP over DTLS, RFC 7252 §9). */
    boolean secure() {
        return parsed.scheme().equals("coaps");
    }

    /** The host as written in the URI (without brackets). */
    String host() {
        return parsed.host();
    }

    /** Resolves the host; the port is the URI's or the scheme's default. */
    InetSocketAddress resolve() throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(parsed.host()), parsed.port());
    }

    /**
     * Resolves the host, or says {@code tern: cannot resolve host '...'} on {@code err} (unless
     * {@code quiet}) and returns empty; the commands then exit with {@link ExitCodes#ERROR}.
     */
    java.util.Optional<InetSocketAddress> resolveOrReport(java.io.PrintStream err, boolean quiet) {
        try {
            return java.util.Optional.of(resolve());
        } catch (UnknownHostException e) {
            if (!quiet) {
                err.println("tern: cannot resolve host '" + host() + "'");
            }
            return java.util.Optional.empty();
        }
    }
}
