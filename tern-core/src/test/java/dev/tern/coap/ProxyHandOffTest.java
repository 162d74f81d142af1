package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.internal.api.ApiAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server hands requests with Proxy-Uri or Proxy-Scheme (RFC 7252 §5.7.2, §5.10.2) to the
 * service given to {@link CoapServer.Builder#proxy(Service)}; without one it answers 5.05 itself.
 */
class ProxyHandOffTest {
    private final List<String> proxied = new CopyOnWriteArrayList<>();
    private CoapServer server;
    private final CoapClient client = CoapClient.create();

    private final Router router = Router.builder().get("/hello", r -> Response.content("router")).build();

    private final Service proxy = request -> {
        String target = request.options().proxyUri()
                .orElse(request.options().proxyScheme().orElse("") + "|" + request.path());
        proxied.add(target);
        if (target.endsWith("/big-a") || target.endsWith("/big-b")) {
            return CompletableFuture.completedFuture(Response.content(body(target), ContentFormat.OCTET_STREAM));
        }
        return CompletableFuture.completedFuture(Response.content("proxy " + target));
    };

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    private String start(Service proxyService) {
        CoapServer.Builder b = CoapServer.builder().port(0).bind("127.0.0.1").service(router);
        if (proxyService != null) {
            b.proxy(proxyService);
        }
        server = b.build().start();
        return "coap://127.0.0.1:" + server.port();
    }

    private Response send(Request.Builder request) {
        return client.send(request.timeout(Duration.ofSeconds(10)).build()).orTimeout(15, TimeUnit.SECONDS).join();
    }

    @Test
    void withoutAProxyServiceProxyUriAndProxySchemeGet505() {
        String base = start(null);
        assertThat(send(Request.get(base + "/").option(
                Option.ofString(OptionNumber.PROXY_URI, "coap://example.org/x"))).code())
                .isEqualTo(Code.PROXYING_NOT_SUPPORTED);
        assertThat(send(Request.get(base + "/hello").option(
                Option.ofString(OptionNumber.PROXY_SCHEME, "coaps"))).code())
                .isEqualTo(Code.PROXYING_NOT_SUPPORTED);
    }

    @Test
    void proxyRequestsGoToTheProxyServiceAndOthersToTheRouter() {
        String base = start(proxy);
        Response viaUri = send(Request.get(base + "/").option(
                Option.ofString(OptionNumber.PROXY_URI, "coap://example.org/x")));
        assertThat(viaUri.code()).isEqualTo(Code.CONTENT);
        assertThat(viaUri.payloadString()).isEqualTo("proxy coap://example.org/x");
        Response viaScheme = send(Request.get(base + "/hello").option(
                Option.ofString(OptionNumber.PROXY_SCHEME, "coaps")));
        assertThat(viaScheme.payloadString()).isEqualTo("proxy coaps|/hello");
        assertThat(send(Request.get(base + "/hello")).payloadString()).isEqualTo("router");
        assertThat(proxied).hasSize(2);
    }

    @Test
    void proxyUriWithUriOptionsIsStill400BeforeTheProxyService() {
        String base = start(proxy);
        Response r = send(Request.get(base + "/hello").option(
                Option.ofString(OptionNumber.PROXY_URI, "coap://example.org/x")));
        assertThat(r.code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(proxied).isEmpty();
    }

    /**
     * Two block-wise downloads through the proxy from one client at once, interleaved block by
     * block: the server keeps each representation under its own Proxy-Uri (RFC 7959 §2.4), so
     * neither body borrows blocks of the other.
     */
    @Test
    void blockwiseDownloadsOfTwoProxiedResourcesDoNotMix() {
        String base = start(proxy);
        List<CompletableFuture<Response>> downloads = new ArrayList<>();
        for (String target : List.of("coap://example.org/big-a", "coap://example.org/big-b")) {
            downloads.add(client.send(Request.get(base + "/").blockSize(64)
                    .option(Option.ofString(OptionNumber.PROXY_URI, target)).build()));
        }
        assertThat(downloads.get(0).orTimeout(15, TimeUnit.SECONDS).join().payload())
                .isEqualTo(body("coap://example.org/big-a"));
        assertThat(downloads.get(1).orTimeout(15, TimeUnit.SECONDS).join().payload())
                .isEqualTo(body("coap://example.org/big-b"));
    }

    /** What a proxy's fan-out needs to hear: every observer that joins or leaves (RFC 7641 §5). */
    @Test
    void anObservableTellsItsWatcherWhenObserversJoinAndLeave() {
        ObservableResource source = ObservableResource.create();
        List<Integer> counts = new CopyOnWriteArrayList<>();
        source.onObserversChanged(() -> counts.add(source.observerCount()));
        ApiAccess.Observer a = listener();
        ApiAccess.Observer b = listener();
        source.addObserver(a);
        source.addObserver(b);
        source.addObserver(b); // already there: no change
        source.removeObserver(a);
        source.removeObserver(a); // already gone: no change
        source.removeObserver(b);
        assertThat(counts).containsExactly(1, 2, 1, 0);
    }

    private static ApiAccess.Observer listener() {
        return new ApiAccess.Observer() {
            @Override
            public void changed() {
            }

            @Override
            public void terminate(Response response) {
            }
        };
    }

    private static Bytes body(String target) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 1000) {
            sb.append(target).append(' ').append(sb.length()).append('\n');
        }
        return Bytes.utf8(sb.toString());
    }
}
