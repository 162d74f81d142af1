package dev.tern.coap.proxy;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.Service;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Test fixtures: an origin server on loopback that records what reaches it, and request helpers. */
final class Loopback {
    private Loopback() {
    }

    /** An origin server (the proxy's upstream) on 127.0.0.1 with a few resources. */
    static final class Origin implements AutoCloseable {
        final List<Request> requests = new CopyOnWriteArrayList<>();
        final AtomicInteger value = new AtomicInteger();
        final ObservableResource observable = ObservableResource.create();
        final List<CompletableFuture<Response>> held = new CopyOnWriteArrayList<>();
        volatile Bytes etag = Bytes.utf8("v1");
        volatile Bytes stored = Bytes.EMPTY;
        volatile int storedFormat = -1;
        final CoapServer server;
        final String scheme;

        Origin() {
            this((dev.tern.coap.spi.SecurityLayer) null);
        }

        Origin(dev.tern.coap.spi.SecurityLayer security) {
            this(security, null);
        }

        /** An origin serving its resources over {@code listener} too (coap+tcp, coap+ws, ...); {@link #uri} uses it. */
        Origin(dev.tern.coap.spi.ConnectionTransport listener) {
            this(null, listener);
        }

        private Origin(dev.tern.coap.spi.SecurityLayer security, dev.tern.coap.spi.ConnectionTransport listener) {
            scheme = listener != null ? listener.scheme() : security == null ? "coap" : "coaps";
            Router router = Router.builder()
                    .get("/hello", r -> Response.content("Hello " + r.query()))
                    .get("/hops", r -> Response.content("hops " + r.options().hopLimit().orElse(-1)))
                    .get("/counter", r -> Response.builder(Code.CONTENT).maxAge(30)
                            .payload("count " + value.incrementAndGet()).build())
                    .get("/tagged", r -> r.options().etags().contains(etag)
                            ? Response.builder(Code.VALID).etag(etag).maxAge(30).build()
                            : Response.builder(Code.CONTENT).etag(etag).maxAge(30)
                                    .payload("tagged " + etag.utf8()).build())
                    .get("/liar", r -> r.options().etags().isEmpty()
                            ? Response.builder(Code.CONTENT).etag(Bytes.utf8("v1")).maxAge(1).payload("liar").build()
                            : Response.builder(Code.VALID).etag(Bytes.utf8("other")).build())
                    .post("/counter", r -> Response.of(Code.CHANGED))
                    .put("/store", r -> {
                        stored = r.payload();
                        storedFormat = r.contentFormat().orElse(-1);
                        return Response.of(Code.CHANGED);
                    })
                    .post("/store", r -> Response.builder(Code.CREATED).locationPath("store/1").build())
                    .delete("/store", r -> Response.of(Code.DELETED))
                    .get("/store", r -> Response.content(stored, storedFormat < 0 ? 42 : storedFormat))
                    .get("/missing", r -> Response.of(Code.NOT_FOUND))
                    .get("/obs", observable.handler(r -> Response.builder(Code.CONTENT).maxAge(60)
                            .payload("state " + value.get()).build()), RouteOptions.create().observable())
                    .route(dev.tern.coap.Method.GET, "/hold", r -> {
                        CompletableFuture<Response> f = new CompletableFuture<>();
                        held.add(f);
                        return f;
                    })
                    .build();
            Service recording = request -> {
                requests.add(request);
                return router.handle(request);
            };
            CoapServer.Builder b = CoapServer.builder().port(0).bind("127.0.0.1").service(recording);
            if (security != null) {
                b.security(security);
            }
            if (listener != null) {
                b.listener(listener);
            }
            server = b.build().start();
        }

        String uri(String path) {
            return scheme + "://127.0.0.1:" + port() + path;
        }

        /** The port of {@link #scheme}. */
        int port() {
            return scheme.contains("+") ? server.localAddress(scheme).getPort() : server.port();
        }


        /** Requests for {@code path} that reached the origin. */
        long count(String path) {
            return requests.stream().filter(r -> r.path().equals(path)).count();
        }

        @Override
        public void close() {
            held.forEach(f -> f.complete(Response.of(Code.SERVICE_UNAVAILABLE)));
            server.close();
        }
    }

    /** A proxy server on 127.0.0.1 serving {@code proxy}'s forward service (and {@code service}). */
    static CoapServer proxyServer(CoapProxy proxy, Service service) {
        CoapServer.Builder b = CoapServer.builder().port(0).bind("127.0.0.1").proxy(proxy.forward());
        if (service != null) {
            b.service(service);
        }
        return b.build().start();
    }

    /** A GET through the proxy at {@code proxy} for {@code target} (Proxy-Uri, RFC 7252 §5.10.2). */
    static Request.Builder viaProxy(CoapServer proxy, String target) {
        return Request.get("coap://127.0.0.1:" + proxy.port())
                .option(Option.ofString(OptionNumber.PROXY_URI, target));
    }

    static Response call(CoapClient client, Request.Builder request) {
        return client.send(request.timeout(Duration.ofSeconds(15)).build()).orTimeout(20, TimeUnit.SECONDS).join();
    }
}
