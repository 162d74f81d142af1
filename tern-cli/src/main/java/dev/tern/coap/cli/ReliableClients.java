package dev.tern.coap.cli;

import dev.tern.coap.CoapClient;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageTracer;
import dev.tern.coap.spi.ConnectionTransport;
import dev.tern.coap.tcp.TcpTransports;
import dev.tern.coap.tcp.TlsConfig;
import dev.tern.coap.tcp.TlsTransports;
import dev.tern.coap.tcp.WebSocketTransports;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The clients of a command for the reliable schemes (RFC 8323): {@code coap+tcp://},
 * {@code coaps+tcp://}, {@code coap+ws://} and {@code coaps+ws://}, each opened on its first
 * request with the same tracer ({@code -v} shows CSM and signaling) and body limit as the UDP
 * client; the TLS ones with the command's {@link TlsConfig}.
 */
final class ReliableClients implements AutoCloseable {
    private static final Set<String> SCHEMES = Set.of("coap+tcp", "coaps+tcp", "coap+ws", "coaps+ws");
    private final MessageTracer tracer;
    private final int maxBodySize;
    private final TlsConfig tls;
    private final Map<String, CoapClient> clients = new HashMap<>();

    ReliableClients(MessageTracer tracer, int maxBodySize) {
        this(tracer, maxBodySize, null);
    }

    ReliableClients(MessageTracer tracer, int maxBodySize, TlsConfig tls) {
        this.tracer = tracer;
        this.maxBodySize = maxBodySize;
        this.tls = tls;
    }

    /** Whether {@code scheme} goes over a connection rather than UDP. */
    static boolean handles(String scheme) {
        return SCHEMES.contains(scheme.toLowerCase(Locale.ROOT));
    }

    /** The client for {@code scheme}, opened now if needed. */
    synchronized CoapClient client(String scheme) {
        String s = scheme.toLowerCase(Locale.ROOT);
        CoapClient client = clients.get(s);
        if (client == null) {
            CoapClient.Builder b = CoapClient.builder().transport(transport(s, tls))
                    .config(EndpointConfig.clientDefaults().toBuilder().maxBodySize(maxBodySize).build());
            if (tracer != null) {
                b.tracer(tracer);
            }
            client = b.build();
            clients.put(s, client);
        }
        return client;
    }

    /** A client transport for {@code scheme} (lower case), with {@code tls} for the secure ones. */
    static ConnectionTransport transport(String scheme, TlsConfig tls) {
        if (scheme.startsWith("coaps") && tls == null) {
            throw new UsageException(scheme + ":// needs TLS credentials: -C FILE (trusted CA certificates) or -n");
        }
        switch (scheme) {
            case "coaps+tcp":
                return TlsTransports.builder().config(tls).buildClient();
            case "coap+ws":
                return WebSocketTransports.client();
            case "coaps+ws":
                return WebSocketTransports.builder().tls(tls).buildClient();
            default:
                return TcpTransports.client();
        }
    }

    @Override
    public synchronized void close() {
        clients.values().forEach(CoapClient::close);
        clients.clear();
    }
}
