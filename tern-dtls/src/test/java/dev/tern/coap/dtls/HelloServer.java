package dev.tern.coap.dtls;

import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** The DTLS tests' server: GET /hello on 127.0.0.1, a free port, behind a server {@link DtlsLayer}. */
final class HelloServer implements AutoCloseable {
    final DtlsLayer layer;
    private final CoapServer server;

    HelloServer(DtlsConfig config) {
        layer = Dtls.server(config);
        server = CoapServer.builder().port(0).bind("127.0.0.1").security(layer)
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build())
                .build().start();
    }

    /** A server configuration with the PSK identity "dev1" and key "secret". */
    static DtlsConfig.ServerBuilder psk() {
        return DtlsConfig.server().pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8));
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.port());
    }

    /** The coaps URI of /hello. */
    String uri() {
        return "coaps://127.0.0.1:" + server.port() + "/hello";
    }

    @Override
    public void close() {
        server.close();
    }
}
