package dev.tern.coap.proxy;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapUri;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.spi.ConnectionTransport;
import dev.tern.coap.spi.SecurityLayer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The upstream clients of a proxy by scheme (RFC 7252 §5.7.2 scheme translation, RFC 8323 §8): the
 * ones the caller gives (and closes), and those the proxy creates from a security layer (coaps) or
 * a connection transport (coap+tcp, coaps+tcp, coap+ws, coaps+ws) and closes itself. Not thread-safe:
 * a builder's state.
 */
final class UpstreamClients {
    private final Map<String, CoapClient> given = new LinkedHashMap<>();
    private final Map<String, ConnectionTransport> transports = new LinkedHashMap<>();
    private SecurityLayer coapsSecurity;

    /** The client for {@code scheme}, the caller's. */
    void client(String scheme, CoapClient client) {
        String s = scheme(scheme);
        Objects.requireNonNull(client, "client");
        transports.remove(s);
        given.put(s, client);
    }

    /** A client the proxy creates on {@code transport}, for its scheme. */
    void transport(ConnectionTransport transport) {
        Objects.requireNonNull(transport, "transport");
        String s = scheme(transport.scheme());
        if (s.equals(CoapUri.COAP) || s.equals(CoapUri.COAPS)) {
            throw new IllegalArgumentException("not a connection scheme: " + s);
        }
        given.remove(s);
        transports.put(s, transport);
    }

    /** The layer of the coaps client the proxy creates when none is given. */
    void coapsSecurity(SecurityLayer layer) {
        this.coapsSecurity = Objects.requireNonNull(layer, "layer");
    }

    /** Whether the caller gave the plain coap client. */
    boolean givesCoap() {
        return given.containsKey(CoapUri.COAP);
    }

    /** The clients by scheme, creating a plain coap one when none is given; {@code owned} gets those created. */
    Map<String, CoapClient> build(EndpointConfig config, List<CoapClient> owned) {
        Map<String, CoapClient> out = new LinkedHashMap<>(given);
        List<CoapClient> created = new ArrayList<>();
        try {
            if (!out.containsKey(CoapUri.COAP)) {
                out.put(CoapUri.COAP, own(created, CoapClient.builder().config(config)));
            }
            if (!out.containsKey(CoapUri.COAPS) && coapsSecurity != null) {
                out.put(CoapUri.COAPS, own(created, CoapClient.builder().config(config).security(coapsSecurity)));
            }
            transports.forEach((scheme, transport) ->
                    out.put(scheme, own(created, CoapClient.builder().config(config).transport(transport))));
        } catch (RuntimeException e) {
            created.forEach(CoapClient::close); // the clients built before the one that failed
            throw e;
        }
        owned.addAll(created);
        return out;
    }

    private static CoapClient own(List<CoapClient> created, CoapClient.Builder builder) {
        CoapClient client = builder.build();
        created.add(client);
        return client;
    }

    private static String scheme(String scheme) {
        String s = Objects.requireNonNull(scheme, "scheme").toLowerCase(Locale.ROOT);
        if (!Targets.isCoap(s)) {
            throw new IllegalArgumentException("not a CoAP scheme: " + scheme);
        }
        return s;
    }
}
