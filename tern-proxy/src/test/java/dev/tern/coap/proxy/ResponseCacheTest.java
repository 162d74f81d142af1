package dev.tern.coap.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapUri;
import dev.tern.coap.Code;
import dev.tern.coap.Method;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The proxy cache (RFC 7252 §5.6) as a plain object on a manual clock. */
class ResponseCacheTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final ResponseCache cache = new ResponseCache(3, 1 << 20, now::get);

    private static CacheKey key(String path) {
        return CacheKey.of(Method.GET, CoapUri.parse("coap://example.org" + path), Options.EMPTY);
    }

    private void advanceSeconds(long s) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(s));
    }

    @Test
    void freshForMaxAgeAndServedWithTheMaxAgeThatIsLeft() {
        cache.put(key("/a"), Response.builder(Code.CONTENT).maxAge(30).payload("a").build());
        advanceSeconds(10);
        ResponseCache.Entry e = cache.get(key("/a"));
        assertThat(e.isFresh(cache.now())).isTrue();
        assertThat(e.served(cache.now()).options().maxAge()).hasValue(20); // §5.6.1
        advanceSeconds(20);
        assertThat(cache.get(key("/a")).isFresh(cache.now())).isFalse();
    }

    @Test
    void withoutMaxAgeAResponseIsFreshFor60Seconds() {
        cache.put(key("/a"), Response.content("a"));
        advanceSeconds(59);
        assertThat(cache.get(key("/a")).isFresh(cache.now())).isTrue();
        advanceSeconds(1);
        assertThat(cache.get(key("/a")).isFresh(cache.now())).isFalse();
    }

    @Test
    void maxAgeZeroIsNotStoredAndReplacesAnOlderEntry() {
        cache.put(key("/a"), Response.content("a"));
        cache.put(key("/a"), Response.builder(Code.CONTENT).maxAge(0).build());
        assertThat(cache.get(key("/a"))).isNull();
        assertThat(cache.bytes()).isZero();
    }

    @Test
    void theLeastRecentlyUsedEntryGoesFirstAtTheEntryBound() {
        cache.put(key("/a"), Response.content("a"));
        cache.put(key("/b"), Response.content("b"));
        cache.put(key("/c"), Response.content("c"));
        cache.get(key("/a"));
        cache.put(key("/d"), Response.content("d"));
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.get(key("/b"))).isNull();
        assertThat(cache.get(key("/a"))).isNotNull();
    }

    @Test
    void theByteBoundEvictsAndABodyLargerThanTheWholeBoundIsNotStored() {
        ResponseCache small = new ResponseCache(100, 2000, now::get);
        Bytes kb = Bytes.wrap(new byte[800]);
        small.put(key("/a"), Response.content(kb, 42));
        small.put(key("/b"), Response.content(kb, 42));
        small.put(key("/c"), Response.content(kb, 42));
        assertThat(small.bytes()).isLessThanOrEqualTo(2000);
        assertThat(small.get(key("/a"))).isNull();
        assertThat(small.get(key("/c"))).isNotNull();
        small.put(key("/huge"), Response.content(Bytes.wrap(new byte[4000]), 42));
        assertThat(small.get(key("/huge"))).isNull();
        assertThat(small.bytes()).isLessThanOrEqualTo(2000);
    }

    @Test
    void invalidationForgetsEveryVariantOfTheUri() {
        CoapUri uri = CoapUri.parse("coap://example.org/a");
        CacheKey text = CacheKey.of(Method.GET, uri, Options.builder().accept(0).build());
        CacheKey json = CacheKey.of(Method.GET, uri, Options.builder().accept(50).build());
        assertThat(text).isNotEqualTo(json); // Accept is part of the cache key
        cache.put(text, Response.content("a"));
        cache.put(json, Response.content("{}"));
        cache.put(key("/b"), Response.content("b"));
        cache.invalidate(uri.toString());
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.get(key("/b"))).isNotNull();
    }

    @Test
    void a203WithTheStoredEtagRefreshesTheEntry() {
        Bytes etag = Bytes.utf8("v1");
        cache.put(key("/a"), Response.builder(Code.CONTENT).etag(etag).maxAge(10).payload("body").build());
        advanceSeconds(11);
        assertThat(cache.refresh(key("/a"), Response.builder(Code.VALID).etag(Bytes.utf8("v2")).build())).isNull();
        ResponseCache.Entry e = cache.refresh(key("/a"), Response.builder(Code.VALID).etag(etag).maxAge(40).build());
        assertThat(e.isFresh(cache.now())).isTrue();
        Response served = e.served(cache.now());
        assertThat(served.code()).isEqualTo(Code.CONTENT);
        assertThat(served.payloadString()).isEqualTo("body");
        assertThat(served.options().maxAge()).hasValue(40);
    }

    @Test
    void theKeyLeavesOutNoCacheKeyAndHopByHopOptionsAndStandsForBothTargetForms() throws Exception {
        Request viaUri = Request.get("coap://proxy").option(Option.ofString(OptionNumber.PROXY_URI,
                "coap://example.org:5683/a?x=1")).build();
        Request viaScheme = Request.builder(Method.GET).path("/a").query("x=1").options(b -> b.add(OptionNumber.URI_HOST, "example.org")
                .add(OptionNumber.PROXY_SCHEME, "coap").add(OptionNumber.SIZE2, 0).hopLimit(3)
                .add(OptionNumber.ECHO, Bytes.utf8("e")).etag(Bytes.utf8("t")).observe(0)).build();
        CacheKey a = CacheKey.of(Method.GET, Targets.forward(viaUri), viaUri.options());
        CacheKey b = CacheKey.of(Method.GET, Targets.forward(viaScheme), viaScheme.options());
        assertThat(a).isEqualTo(b);
        assertThat(a.options()).isEmpty();
    }
}
