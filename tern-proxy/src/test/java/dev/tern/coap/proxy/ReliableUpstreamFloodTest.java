package dev.tern.coap.proxy;

import static dev.tern.coap.proxy.Loopback.viaProxy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Response;
import dev.tern.coap.spi.ReliableSettings;
import dev.tern.coap.tcp.TcpTransports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client driving the proxy to open coap+tcp connections to many upstreams: the upstream
 * transport's {@code maxConnections} bounds the connections the proxy opens; past it a request
 * fails at once with 5.02 instead of opening one more (each would idle for minutes).
 */
class ReliableUpstreamFloodTest {
    private static final int BOUND = 4;
    private static final int UPSTREAMS = 10;

    @Test
    void p12_connectionsToManyTcpUpstreamsStayWithinTheTransportsBound() throws IOException {
        List<ServerSocket> silent = new ArrayList<>(); // accept in the kernel's backlog, never answer: connections stay open
        try (CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1").upstreamTimeout(Duration.ofSeconds(3))
                     .upstreamTransport(TcpTransports.builder().settings(ReliableSettings.defaults()
                             .withMaxConnections(BOUND, BOUND)).buildClient()).build();
             CoapServer server = Loopback.proxyServer(proxy, null);
             CoapClient client = CoapClient.builder() // all ten in flight at once (NSTART, RFC 7252 §4.7)
                     .config(EndpointConfig.clientDefaults().toBuilder().nstart(UPSTREAMS).build()).build()) {
            for (int i = 0; i < UPSTREAMS; i++) {
                silent.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            }
            List<CompletableFuture<Response>> answers = new ArrayList<>();
            for (ServerSocket s : silent) {
                answers.add(client.send(viaProxy(server, "coap+tcp://127.0.0.1:" + s.getLocalPort() + "/x")
                        .timeout(Duration.ofSeconds(15)).build()));
            }
            List<Code> codes = new ArrayList<>();
            for (CompletableFuture<Response> a : answers) {
                codes.add(a.orTimeout(20, TimeUnit.SECONDS).join().code());
            }
            assertThat(codes).as("refused past the bound: %s", codes).filteredOn(Code.BAD_GATEWAY::equals).hasSize(UPSTREAMS - BOUND);
            assertThat(codes).as("the upstreams that never answer").filteredOn(Code.GATEWAY_TIMEOUT::equals).hasSize(BOUND);
        } finally {
            for (ServerSocket s : silent) {
                s.close();
            }
        }
    }
}
