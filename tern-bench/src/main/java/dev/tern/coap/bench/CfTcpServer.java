package dev.tern.coap.bench;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.TcpConfig;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.tcp.netty.TcpServerConnector;

/**
 * Californium 3.14's CoapServer on its Netty TCP server connector ({@code element-connector-tcp-netty},
 * RFC 8323), for {@link TcpLoad}: {@code GET /} answers the same 136 bytes as {@code TcpLoad serve}
 * and libcoap's index. Californium's default configuration, except the connection idle timeout
 * (default 10 s) raised to an hour so that {@code TcpLoad idle} can hold its connections.
 *
 * <pre>
 * java -cp tern-bench/target/tern-bench.jar dev.tern.coap.bench.CfTcpServer PORT
 * </pre>
 */
public final class CfTcpServer {
    private CfTcpServer() {
    }

    /** {@code PORT}: serves on 127.0.0.1:PORT until killed. */
    public static void main(String[] args) throws Exception {
        CoapConfig.register();
        UdpConfig.register();
        TcpConfig.register();
        Configuration config = Configuration.createStandardWithoutFile()
                .set(TcpConfig.TCP_CONNECTION_IDLE_TIMEOUT, 3600, TimeUnit.SECONDS);
        byte[] body = new byte[136];
        Arrays.fill(body, (byte) 'x');
        CoapServer server = new CoapServer(config) {
            @Override
            protected Resource createRoot() {
                return new CoapResource("") {
                    @Override
                    public void handleGET(CoapExchange exchange) {
                        exchange.respond(CoAP.ResponseCode.CONTENT, body, MediaTypeRegistry.TEXT_PLAIN);
                    }
                };
            }
        };
        InetSocketAddress bind = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0]));
        server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
                .setConnector(new TcpServerConnector(bind, config)).build());
        server.start();
        System.out.println("Californium serving coap+tcp on " + bind);
        Thread.currentThread().join();
    }
}
