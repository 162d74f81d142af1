package dev.tern.coap.cli;

import dev.tern.coap.CoapClient;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageTracer;
import dev.tern.coap.tcp.TcpTransports;

/**
 * The clients of a command for the reliable schemes (RFC 8323): {@code coap+tcp://} so far,
 * each opened on its first request with the same tracer ({@code -v} shows CSM and signaling) and
 * body limit as the UDP client.
 */
final class ReliableClients implements AutoCloseable {
    private final MessageTracer tracer;
    private final int maxBodySize;
    private CoapClient tcp;

    ReliableClients(MessageTracer tracer, int maxBodySize) {
        this.tracer = tracer;
        this.maxBodySize = maxBodySize;
    }

    /** Whether {@code scheme} goes over a connection rather than UDP. */
    static boolean handles(String scheme) {
        return "coap+tcp".equalsIgnoreCase(scheme);
    }

    /** The client for {@code scheme}, opened now if needed. */
    synchronized CoapClient client(String scheme) {
        if (tcp == null) {
            CoapClient.Builder b = CoapClient.builder().transport(TcpTransports.client())
                    .config(EndpointConfig.clientDefaults().toBuilder().maxBodySize(maxBodySize).build());
            if (tracer != null) {
                b.tracer(tracer);
            }
            tcp = b.build();
        }
        return tcp;
    }

    @Override
    public synchronized void close() {
        if (tcp != null) {
            tcp.close();
            tcp = null;
        }
    }
}
