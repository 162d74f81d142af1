package dev.tern.coap.proxy;

import static dev.tern.coap.proxy.Loopback.call;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.Service;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** P2: two proxies pointed at each other (RFC 8768 §1, §3): the loop ends with 5.08 after 16 hops. */
class HopLimitLoopTest {
    @Test
    void p2_twoReverseProxiesPointedAtEachOtherEndWith508() {
        AtomicInteger hops = new AtomicInteger();
        AtomicReference<Service> toB = new AtomicReference<>();
        AtomicReference<Service> toA = new AtomicReference<>();
        try (CoapProxy proxyA = CoapProxy.builder().build();
             CoapProxy proxyB = CoapProxy.builder().build();
             CoapServer a = Loopback.proxyServer(proxyA, counting(hops, toB));
             CoapServer b = Loopback.proxyServer(proxyB, counting(hops, toA));
             CoapClient client = CoapClient.create()) {
            toB.set(proxyA.reverse("/loop", "coap://127.0.0.1:" + b.port() + "/loop"));
            toA.set(proxyB.reverse("/loop", "coap://127.0.0.1:" + a.port() + "/loop"));
            Response r = call(client, Request.get("coap://127.0.0.1:" + a.port() + "/loop/x"));
            assertThat(r.code()).isEqualTo(Code.HOP_LIMIT_REACHED);
            // A gets the request without Hop-Limit and inserts 16; the proxies then get 16, 15, ... 1:
            // 16 requests forwarded, and the 17th proxy handler, which got Hop-Limit 1, answers 5.08
            assertThat(hops.get()).isEqualTo(17);
        }
    }

    /** P2 with forward proxies: each proxy's Proxy-Uri target is the other proxy's reverse path. */
    @Test
    void p2_aProxyUriThatPointsBackAtTheProxyItselfEndsWith508() {
        AtomicInteger hops = new AtomicInteger();
        AtomicReference<Service> self = new AtomicReference<>();
        try (CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1").build();
             CoapServer server = Loopback.proxyServer(proxy, counting(hops, self));
             CoapClient client = CoapClient.create()) {
            self.set(proxy.reverse("/again", "coap://127.0.0.1:" + server.port() + "/again"));
            Response r = call(client, Request.get("coap://127.0.0.1:" + server.port())
                    .option(Option.ofString(OptionNumber.PROXY_URI,
                            "coap://127.0.0.1:" + server.port() + "/again/x")).options(o -> o.hopLimit(8)));
            assertThat(r.code()).isEqualTo(Code.HOP_LIMIT_REACHED);
            assertThat(hops.get()).isEqualTo(7); // the forward hop takes 8 -> 7; the 7th reverse hop refuses
        }
    }

    private static Service counting(AtomicInteger hops, AtomicReference<Service> next) {
        return Router.builder().any("/**", request -> {
            hops.incrementAndGet();
            Service s = next.get();
            return s == null ? CompletableFuture.completedFuture(Response.of(Code.NOT_FOUND)) : s.handle(request);
        }).build();
    }
}
