package dev.tern.coap.cli;

import dev.tern.coap.CoapClient;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageTracer;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.spi.SecurityLayer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the client commands need from a CoAP client. {@link #coap} is the real one; tests plug in
 * a {@link dev.tern.coap.Service} directly, so the whole command runs without a network.
 */
interface Exchanger extends AutoCloseable {
    /** Sends a request (see {@link CoapClient#send}). */
    CompletableFuture<Response> send(Request request);

    /**
     * Sends a NON request to a multicast group and collects every response until {@code deadline}
     * (see {@link CoapClient#multicast}). An exchanger that cannot multicast treats the group as one
     * peer.
     */
    default CompletableFuture<List<Response>> multicast(Request request, Duration deadline) {
        return send(request).thenApply(List::of);
    }

    /** CoAP ping (see {@link CoapClient#ping}). */
    CompletableFuture<Duration> ping(String uri);

    @Override
    void close();

    /**
     * Makes an exchanger; {@code tracer} is null unless {@code -v} was given, {@code security} is
     * null for {@code coap://} and the DTLS layer for {@code coaps://}, {@code maxBodySize} the
     * {@code --max-body} limit on response bodies.
     */
    @FunctionalInterface
    interface Factory {
        /** A new exchanger. */
        Exchanger open(MessageTracer tracer, SecurityLayer security, int maxBodySize);

        /**
         * A new exchanger whose requests pass {@code objectSecurity} (OSCORE, {@code -E}) unless it
         * is null; test factories that fake the network leave it to the real client.
         */
        default Exchanger open(MessageTracer tracer, SecurityLayer security, int maxBodySize,
                               dev.tern.coap.spi.ObjectSecurity objectSecurity) {
            return objectSecurity == null ? open(tracer, security, maxBodySize)
                    : coap(tracer, null, security, maxBodySize, objectSecurity);
        }

        /** A new exchanger with the client's default body limit. */
        default Exchanger open(MessageTracer tracer, SecurityLayer security) {
            return open(tracer, security, EndpointConfig.CLIENT_MAX_BODY_SIZE);
        }
    }

    /** A {@link CoapClient} on an ephemeral port, protected by {@code security} unless it is null. */
    static Exchanger coap(MessageTracer tracer, SecurityLayer security, int maxBodySize) {
        return coap(tracer, null, security, maxBodySize);
    }

    /** A {@link CoapClient} whose group requests go out of {@code multicastInterface} (null: the routing table's choice). */
    static Exchanger coap(MessageTracer tracer, java.net.NetworkInterface multicastInterface, SecurityLayer security) {
        return coap(tracer, multicastInterface, security, EndpointConfig.CLIENT_MAX_BODY_SIZE);
    }

    /** The same, response bodies limited to {@code maxBodySize} bytes ({@code --max-body}). */
    static Exchanger coap(MessageTracer tracer, java.net.NetworkInterface multicastInterface, SecurityLayer security,
                          int maxBodySize) {
        return coap(tracer, multicastInterface, security, maxBodySize, null, null);
    }

    /** The same, requests protected end to end by {@code objectSecurity} (OSCORE, RFC 8613) unless it is null. */
    static Exchanger coap(MessageTracer tracer, java.net.NetworkInterface multicastInterface, SecurityLayer security,
                          int maxBodySize, dev.tern.coap.spi.ObjectSecurity objectSecurity) {
        return coap(tracer, multicastInterface, security, maxBodySize, objectSecurity, null);
    }

    /** The same, with {@code tls} for {@code coaps+tcp://} and {@code coaps+ws://} (RFC 8323 §9.1). */
    static Exchanger coap(MessageTracer tracer, java.net.NetworkInterface multicastInterface, SecurityLayer security,
                          int maxBodySize, dev.tern.coap.tcp.TlsConfig tls) {
        return coap(tracer, multicastInterface, security, maxBodySize, null, tls);
    }

    /** The same with both: OSCORE (null: none) and TLS for the reliable schemes (null: none). */
    static Exchanger coap(MessageTracer tracer, java.net.NetworkInterface multicastInterface, SecurityLayer security,
                          int maxBodySize, dev.tern.coap.spi.ObjectSecurity objectSecurity,
                          dev.tern.coap.tcp.TlsConfig tls) {
        CoapClient.Builder b = CoapClient.builder()
                .config(EndpointConfig.clientDefaults().toBuilder().maxBodySize(maxBodySize).build());
        if (multicastInterface != null) {
            b.multicastInterface(multicastInterface);
        }
        if (security != null) {
            b.security(security);
        }
        if (tracer != null) {
            b.tracer(tracer);
        }
        if (objectSecurity != null) {
            b.objectSecurity(objectSecurity);
        }
        CoapClient client = b.build();
        ReliableClients reliable = new ReliableClients(tracer, maxBodySize, tls);
        return new Exchanger() {
            @Override
            public CompletableFuture<Response> send(Request request) {
                return ReliableClients.handles(request.scheme()) ? reliable.client(request.scheme()).send(request)
                        : client.send(request);
            }

            @Override
            public CompletableFuture<List<Response>> multicast(Request request, Duration deadline) {
                return client.multicast(request, deadline);
            }

            @Override
            public CompletableFuture<Duration> ping(String uri) {
                String scheme = dev.tern.coap.CoapUri.parse(uri).scheme();
                return ReliableClients.handles(scheme) ? reliable.client(scheme).ping(uri) : client.ping(uri);
            }

            @Override
            public void close() {
                client.close();
                reliable.close();
            }
        };
    }
}
