package dev.tern.coap.proxy;

import static dev.tern.coap.proxy.Loopback.call;
import static dev.tern.coap.proxy.Loopback.viaProxy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Method;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Caching through the forward proxy (RFC 7252 §5.6) with the cache on a manual clock. */
class ProxyCacheTest {
    private final ManualClock clock = new ManualClock();
    private final Loopback.Origin origin = new Loopback.Origin();
    private final CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1").clock(clock).build();
    private final CoapServer server = Loopback.proxyServer(proxy, null);
    private final CoapClient client = CoapClient.create();

    @AfterEach
    void stop() {
        client.close();
        server.close();
        proxy.close();
        origin.close();
    }

    private Response get(String path) {
        return call(client, viaProxy(server, origin.uri(path)));
    }

    @Test
    void aFreshResponseIsServedFromTheCacheWithoutAnUpstreamRequest() {
        assertThat(get("/counter").payloadString()).isEqualTo("count 1");
        clock.advanceSeconds(10);
        Response hit = get("/counter");
        assertThat(hit.payloadString()).isEqualTo("count 1");
        assertThat(hit.options().maxAge()).hasValue(20); // §5.6.1: the Max-Age that is left
        assertThat(origin.count("/counter")).isEqualTo(1);
        clock.advanceSeconds(20);
        assertThat(get("/counter").payloadString()).isEqualTo("count 2"); // stale: fetched again
        assertThat(origin.count("/counter")).isEqualTo(2);
    }

    @Test
    void aStaleResponseWithAnEtagIsValidatedAnd203RefreshesIt() {
        assertThat(get("/tagged").payloadString()).isEqualTo("tagged v1");
        clock.advanceSeconds(31);
        Response validated = get("/tagged");
        assertThat(validated.code()).isEqualTo(Code.CONTENT);
        assertThat(validated.payloadString()).isEqualTo("tagged v1");
        assertThat(validated.options().maxAge()).hasValue(30);
        assertThat(origin.count("/tagged")).isEqualTo(2);
        Request validation = origin.requests.get(1);
        assertThat(validation.options().etags()).containsExactly(Bytes.utf8("v1")); // §5.6.2
        clock.advanceSeconds(31);
        origin.etag = Bytes.utf8("v2"); // changed upstream: a 2.05 replaces the entry
        assertThat(get("/tagged").payloadString()).isEqualTo("tagged v2");
        assertThat(get("/tagged").payloadString()).isEqualTo("tagged v2");
        assertThat(origin.count("/tagged")).isEqualTo(3);
    }

    /** P4: an upstream answering the validation with 2.03 for another ETag: 5.02, never a bare 2.03. */
    @Test
    void a203ForAnEtagTheProxyDidNotSendIs502() {
        assertThat(get("/liar").payloadString()).isEqualTo("liar");
        clock.advanceSeconds(2);
        Response r = get("/liar");
        assertThat(r.code()).isEqualTo(Code.BAD_GATEWAY);
        assertThat(origin.count("/liar")).isEqualTo(2);
    }

    @Test
    void aClientsOwnCurrentEtagGets203FromTheCache() {
        get("/tagged");
        Response r = call(client, viaProxy(server, origin.uri("/tagged")).options(b -> b.etag(Bytes.utf8("v1"))));
        assertThat(r.code()).isEqualTo(Code.VALID);
        assertThat(r.options().etag()).hasValue(Bytes.utf8("v1"));
        assertThat(origin.count("/tagged")).isEqualTo(1);
    }

    @Test
    void anUnsafeRequestInvalidatesTheUri() {
        get("/counter");
        Response post = call(client, Request.post("coap://127.0.0.1:" + server.port())
                .option(Option.ofString(OptionNumber.PROXY_URI, origin.uri("/counter"))));
        assertThat(post.code()).isEqualTo(Code.CHANGED);
        assertThat(get("/counter").payloadString()).isEqualTo("count 2");
        assertThat(origin.count("/counter")).isEqualTo(3);
        assertThat(origin.requests.stream().filter(r -> r.method() == Method.POST)).hasSize(1);
    }

    @Test
    void noCacheKeyOptionsShareAnEntryAndAcceptDoesNot() {
        get("/counter");
        Response sameEntry = call(client, viaProxy(server, origin.uri("/counter"))
                .option(Option.ofUint(OptionNumber.SIZE2, 0))); // NoCacheKey (RFC 7252 §5.4.6)
        assertThat(sameEntry.payloadString()).isEqualTo("count 1");
        Response otherEntry = call(client, viaProxy(server, origin.uri("/counter")).accept(0));
        assertThat(otherEntry.payloadString()).isEqualTo("count 2");
        assertThat(origin.count("/counter")).isEqualTo(2);
    }

    @Test
    void errorResponsesAreCachedToo() {
        assertThat(get("/missing").code()).isEqualTo(Code.NOT_FOUND);
        assertThat(get("/missing").code()).isEqualTo(Code.NOT_FOUND);
        assertThat(origin.count("/missing")).isEqualTo(1); // RFC 7252 §5.9.2: 4.xx are cacheable
    }

    /** The proxy's own 5.04 (and 5.02, 5.03) is not the origin's answer: never cached. */
    @Test
    void aGatewayTimeoutIsNotCached() {
        try (CoapProxy quick = CoapProxy.builder().allow("127.0.0.1").upstreamTimeout(java.time.Duration.ofMillis(200))
                .build(); CoapServer other = Loopback.proxyServer(quick, null)) {
            assertThat(call(client, viaProxy(other, origin.uri("/hold"))).code()).isEqualTo(Code.GATEWAY_TIMEOUT);
            assertThat(call(client, viaProxy(other, origin.uri("/hold"))).code()).isEqualTo(Code.GATEWAY_TIMEOUT);
            assertThat(origin.count("/hold")).isEqualTo(2);
            assertThat(quick.cachedResponses()).isZero();
        }
    }

    @Test
    void cachingCanBeTurnedOff() {
        try (CoapProxy uncached = CoapProxy.builder().allow("127.0.0.1").maxCacheEntries(0).build();
             CoapServer other = Loopback.proxyServer(uncached, null)) {
            call(client, viaProxy(other, origin.uri("/counter")));
            call(client, viaProxy(other, origin.uri("/counter")));
            assertThat(origin.count("/counter")).isEqualTo(2);
            assertThat(uncached.cachedResponses()).isZero();
        }
    }
}
