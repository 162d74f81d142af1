package dev.tern.coap.cluster;

import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.dtls.DtlsLayer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One cluster node as its own process, for {@link ClusterKillTest}: {@code NodeMain REDIS_URI}
 * serves coaps on a free loopback port with PSK dev1/secret, prints {@code port=PORT node=ID} and
 * runs until killed.
 */
public final class NodeMain {
    private NodeMain() {
    }

    /** Starts the node. */
    public static void main(String[] args) throws InterruptedException {
        // a generous Redis timeout: the test machine may be loaded, and a resumption look-up that times out
        // would give a full handshake where the test expects an abbreviated one
        Cluster c = Cluster.builder().redis(args[0]).secret(ClusterLeaseTest.SECRET).redisTimeout(Duration.ofSeconds(5))
                .start();
        DtlsLayer d = Dtls.server(c.configure(DtlsConfig.server().pskStore("dev1",
                "secret".getBytes(StandardCharsets.UTF_8))).build());
        String name = "node " + c.nodeId();
        CoapServer s = CoapServer.builder().port(0).bind("127.0.0.1").security(c.secure(d))
                .service(Router.builder().get("/hello", r -> Response.content(name)).build()).build().start();
        System.out.println("port=" + s.port() + " node=" + c.nodeId());
        System.out.flush();
        Thread.currentThread().join();
    }
}
