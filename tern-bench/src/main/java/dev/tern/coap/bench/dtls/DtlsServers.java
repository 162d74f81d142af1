package dev.tern.coap.bench.dtls;

import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.dtls.DtlsLayer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.SystemConfig;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;

/**
 * The two coaps:// servers of the DTLS benchmark, both answering GET /hello with 2.05
 * "Hello World!" (text/plain) over PSK with TLS_PSK_WITH_AES_128_CCM_8 only, and both with the
 * stateless cookie exchange before any handshake state.
 */
public final class DtlsServers {
    private DtlsServers() {
    }

    /** A running server: what it is and how to stop it. */
    public interface Running extends AutoCloseable {
        String description();

        /** Counters worth printing at the end (may be empty). */
        Map<String, Object> statistics();

        @Override
        void close();
    }

    /**
     * Tern: {@code CoapServer} with {@code Dtls.server} (default bounds but {@code maxSessions}: 100
     * handshakes, Connection IDs issued; the default session cap is 10 000), the handler run on the
     * I/O thread as {@code tern serve} does, one I/O thread.
     */
    public static Running tern(String host, int port, String identity, byte[] key, int maxSessions) {
        DtlsLayer layer = Dtls.server(DtlsConfig.server().pskStore(identity, key)
                .cipherSuites(List.of("TLS_PSK_WITH_AES_128_CCM_8")).maxSessions(maxSessions).build());
        CoapServer server = CoapServer.builder().bind(host).port(port).security(layer)
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build())
                .executor(Runnable::run).build().start();
        return new Running() {
            @Override
            public String description() {
                return "tern coaps://" + host + ":" + server.port() + " (Dtls.server, PSK, TLS_PSK_WITH_AES_128_CCM_8,"
                        + " maxSessions " + maxSessions + ", other DtlsConfig bounds default, handler on the I/O thread)";
            }

            @Override
            public Map<String, Object> statistics() {
                Map<String, Object> m = new TreeMap<>();
                var s = layer.statistics();
                m.put("stats", s.toString());
                m.put("sessions", layer.sessions().size());
                return m;
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    /**
     * Californium 3.14 with Scandium: a {@code DTLSConnector} in the server role with an
     * {@code AdvancedSinglePskStore} and only TLS_PSK_WITH_AES_128_CCM_8, under a CoAP endpoint.
     * Tuned for one core: {@code receiverThreads} DTLS receiver and {@code connectorThreads}
     * connector threads and {@code protocolThreads} CoAP protocol-stage threads, 2 MiB socket
     * receive buffer (Tern's default), health status logging off, and the CoAP settings of
     * Californium's own benchmark server (PEERS_MARK_AND_SWEEP deduplication with 16 messages per
     * peer, 1 000 000 active peers, 60 s peer inactivity). Everything else is Scandium's default:
     * HelloVerifyRequest also for PSK, anti-replay filter, session IDs, 150 000 connections, and a
     * resuming ClientHello answered without HelloVerifyRequest while fewer than 30 % of the
     * connections are resuming ({@code DTLS_VERIFY_PEERS_ON_RESUMPTION_THRESHOLD}; {@code
     * verifyOnResumptionPct} sets it when not negative, 0 meaning always a HelloVerifyRequest).
     */
    public static Running scandium(String host, int port, String identity, byte[] key, int receiverThreads,
                                   int connectorThreads, int protocolThreads, int verifyOnResumptionPct)
            throws Exception {
        CoapConfig.register();
        UdpConfig.register();
        SystemConfig.register();
        org.eclipse.californium.scandium.config.DtlsConfig.register();
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(SystemConfig.HEALTH_STATUS_INTERVAL, 0, TimeUnit.SECONDS);
        config.set(CoapConfig.DEDUPLICATOR, CoapConfig.DEDUPLICATOR_PEERS_MARK_AND_SWEEP);
        config.set(CoapConfig.PEERS_MARK_AND_SWEEP_MESSAGES, 16);
        config.set(CoapConfig.MAX_ACTIVE_PEERS, 1_000_000);
        config.set(CoapConfig.MAX_PEER_INACTIVITY_PERIOD, 60, TimeUnit.SECONDS);
        config.set(CoapConfig.PROTOCOL_STAGE_THREAD_COUNT, protocolThreads);
        config.set(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_ROLE, DtlsRole.SERVER_ONLY);
        config.set(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_CIPHER_SUITES,
                List.of(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8));
        config.set(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, receiverThreads);
        config.set(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, connectorThreads);
        config.set(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_RECEIVE_BUFFER_SIZE, 2 * 1024 * 1024);
        if (verifyOnResumptionPct >= 0) {
            config.set(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_VERIFY_PEERS_ON_RESUMPTION_THRESHOLD,
                    verifyOnResumptionPct);
        }
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName(host), port);
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config).setAddress(bind)
                .setAdvancedPskStore(new AdvancedSinglePskStore(identity, key)).build();
        DTLSConnector connector = new DTLSConnector(dtls);
        org.eclipse.californium.core.CoapServer server = new org.eclipse.californium.core.CoapServer(config);
        server.addEndpoint(new CoapEndpoint.Builder().setConnector(connector).setConfiguration(config).build());
        server.add(new CoapResource("hello") {
            private final byte[] hello = "Hello World!".getBytes(StandardCharsets.US_ASCII);

            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond(ResponseCode.CONTENT, hello, MediaTypeRegistry.TEXT_PLAIN);
            }
        });
        server.start();
        return new Running() {
            @Override
            public String description() {
                return "scandium coaps://" + host + ":" + connector.getAddress().getPort() + " (Californium 3.14"
                        + " CoapServer over DTLSConnector, PSK, TLS_PSK_WITH_AES_128_CCM_8, receiver/connector/protocol"
                        + " threads " + receiverThreads + "/" + connectorThreads + "/" + protocolThreads
                        + (verifyOnResumptionPct >= 0 ? ", verify peers on resumption threshold "
                        + verifyOnResumptionPct + " %" : "") + ")";
            }

            @Override
            public Map<String, Object> statistics() {
                return Map.of();
            }

            @Override
            public void close() {
                server.destroy();
            }
        };
    }
}
