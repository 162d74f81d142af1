package dev.tern.coap.cluster;

import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.dtls.DtlsLayer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One cluster node as its own process, for {@link ClusterKillTest} and {@link ClusterObserveKillTest}:
 * {@code NodeMain REDIS_URI} serves coaps (PSK dev1/secret) and coap on free loopback ports:
 * {@code /hello} (the node's name) and {@code /time} (observable, "node N" and the time, Max-Age 1,
 * notifying every second like the demo's), prints {@code port=PORT node=ID coap=PORT} and runs until killed.
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
        ObservableResource time = ObservableResource.create();
        Router router = Router.builder().get("/hello", r -> Response.content(name))
                .get("/time", time.handler(r -> Response.builder(Code.CONTENT).payload(name + " " + Instant.now())
                        .maxAge(1).build()), RouteOptions.create().observable())
                .build();
        CoapServer s = CoapServer.builder().port(0).bind("127.0.0.1").security(c.secure(d)).service(router).build()
                .start();
        CoapServer plain = CoapServer.builder().port(0).bind("127.0.0.1").service(router).build().start();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(time::changed, 1, 1, TimeUnit.SECONDS);
        System.out.println("port=" + s.port() + " node=" + c.nodeId() + " coap=" + plain.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
