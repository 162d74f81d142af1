package dev.tern.coap.oscore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.cose.AlgorithmID;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.oscore.HashMapCtxDB;
import org.eclipse.californium.oscore.OSCoreCoapStackFactory;
import org.eclipse.californium.oscore.OSCoreCtx;
import org.eclipse.californium.oscore.OSCoreResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * OSCORE (RFC 8613) against Californium's cf-oscore 3.13.0 in the test JVM, both directions, with
 * the RFC 8613 Appendix C.1 inputs (Sender and Recipient IDs 0x02 / 0x01). Here rather than in
 * tern-interop because cf-oscore 3.13 needs Californium 3.13 and tern-interop runs 3.14. cf-oscore's
 * client does not answer the Echo challenge of Appendix B.1.2 by itself; the test does, as an
 * application would, by sending the request again with the Echo option.
 */
@Timeout(60)
class CaliforniumOscoreInteropTest {
    private static final byte[] SECRET = Bytes.fromHex("0102030405060708090a0b0c0d0e0f10").toArray();
    private static final byte[] SALT = Bytes.fromHex("9e7ca92223786340").toArray();
    private static final byte[] CLIENT_ID = {0x02};
    private static final byte[] SERVER_ID = {0x01};
    private static final String BIG = "0123456789abcdef".repeat(200);

    @BeforeAll
    static void registerCaliforniumModules() {
        CoapConfig.register();
        UdpConfig.register();
    }

    private static SecurityContext ternContext(byte[] sender, byte[] recipient) {
        return SecurityContext.builder().masterSecret(Bytes.of(SECRET)).masterSalt(Bytes.of(SALT))
                .senderId(Bytes.of(sender)).recipientId(Bytes.of(recipient)).build();
    }

    private static OSCoreCtx californiumContext(boolean client, byte[] sender, byte[] recipient) throws Exception {
        return new OSCoreCtx(SECRET, client, AlgorithmID.AES_CCM_16_64_128, sender, recipient,
                AlgorithmID.HKDF_HMAC_SHA_256, 32, SALT, null, 4096);
    }

    private static CoapEndpoint oscoreEndpoint(HashMapCtxDB db) {
        return new CoapEndpoint.Builder().setConfiguration(Configuration.createStandardWithoutFile())
                .setInetSocketAddress(new InetSocketAddress("127.0.0.1", 0))
                .setCoapStackFactory(new OSCoreCoapStackFactory()).setCustomCoapStackArgument(db).build();
    }

    @Test
    void californiumClientGetsAndPostsToATernServer() throws Exception {
        Router router = Router.builder()
                .get("/hello", r -> Response.content("Hello " + r.peerIdentity().map(PeerIdentity::kind).orElse(null)))
                .get("/big", r -> Response.content(BIG))
                .post("/echo", r -> Response.builder(Code.CHANGED).payload(r.payload()).build())
                .build();
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .objectSecurity(OscoreLayer.server(OscoreContexts.of(ternContext(SERVER_ID, CLIENT_ID))))
                .build().start()) {
            String base = "coap://127.0.0.1:" + server.port();
            HashMapCtxDB db = new HashMapCtxDB();
            db.addContext(base, californiumContext(true, CLIENT_ID, SERVER_ID));
            org.eclipse.californium.core.CoapClient client = new org.eclipse.californium.core.CoapClient();
            client.setEndpoint(oscoreEndpoint(db));
            client.setTimeout(10_000L);
            try {
                CoapResponse challenge = client.advanced(oscore(org.eclipse.californium.core.coap.Request.newGet(),
                        base + "/hello"));
                assertThat(challenge.getCode()).isEqualTo(CoAP.ResponseCode.UNAUTHORIZED);
                org.eclipse.californium.core.coap.Option echo = challenge.getOptions().getOthers().stream()
                        .filter(o -> o.getNumber() == dev.tern.coap.OptionNumber.ECHO).findFirst().orElseThrow();
                org.eclipse.californium.core.coap.Request again = oscore(
                        org.eclipse.californium.core.coap.Request.newGet(), base + "/hello");
                again.getOptions().addOption(echo);
                CoapResponse hello = client.advanced(again);
                assertThat(hello.getResponseText()).isEqualTo("Hello OSCORE");
                assertThat(hello.getCode()).isEqualTo(CoAP.ResponseCode.CONTENT);
                CoapResponse big = client.advanced(oscore(org.eclipse.californium.core.coap.Request.newGet(),
                        base + "/big"));
                assertThat(big.getResponseText()).isEqualTo(BIG);
                org.eclipse.californium.core.coap.Request post = oscore(
                        org.eclipse.californium.core.coap.Request.newPost(), base + "/echo");
                post.setPayload("over oscore");
                CoapResponse echoed = client.advanced(post);
                assertThat(echoed.getCode()).isEqualTo(CoAP.ResponseCode.CHANGED);
                assertThat(echoed.getResponseText()).isEqualTo("over oscore");
            } finally {
                client.shutdown();
                client.getEndpoint().destroy();
            }
        }
    }

    @Test
    void ternClientGetsFromACaliforniumServer() throws Exception {
        HashMapCtxDB db = new HashMapCtxDB();
        db.addContext(californiumContext(false, SERVER_ID, CLIENT_ID));
        org.eclipse.californium.core.CoapServer server =
                new org.eclipse.californium.core.CoapServer(Configuration.createStandardWithoutFile());
        CoapEndpoint endpoint = oscoreEndpoint(db);
        server.addEndpoint(endpoint);
        server.add(new OSCoreResource("hello", true) {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond("Hello from cf-oscore");
            }

            @Override
            public void handlePOST(CoapExchange exchange) {
                exchange.respond(CoAP.ResponseCode.CHANGED, exchange.getRequestText().toUpperCase());
            }
        });
        server.start();
        try (CoapClient client = CoapClient.builder()
                .objectSecurity(OscoreLayer.client(ternContext(CLIENT_ID, SERVER_ID))).build()) {
            String uri = "coap://127.0.0.1:" + endpoint.getAddress().getPort() + "/hello";
            Response r = client.call(Request.get(uri).timeout(Duration.ofSeconds(10)).build());
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo("Hello from cf-oscore");
            Response p = client.post(uri, Bytes.utf8("shout"), 0);
            assertThat(p.code()).isEqualTo(Code.CHANGED);
            assertThat(p.payloadString()).isEqualTo("SHOUT");
        } finally {
            server.destroy();
        }
    }

    /** Observe through OSCORE (RFC 8613 §4.1.3.5): cf-oscore's client observes a Tern resource. */
    @Test
    void californiumClientObservesATernResource() throws Exception {
        dev.tern.coap.ObservableResource source = dev.tern.coap.ObservableResource.create();
        java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();
        Router router = Router.builder().get("/obs", source.handler(r -> Response.content("state-" + state.get())),
                dev.tern.coap.RouteOptions.create().observable()).build();
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .objectSecurity(OscoreLayer.server(OscoreContexts.of(ternContext(SERVER_ID, CLIENT_ID))))
                .build().start()) {
            String base = "coap://127.0.0.1:" + server.port();
            HashMapCtxDB db = new HashMapCtxDB();
            db.addContext(base, californiumContext(true, CLIENT_ID, SERVER_ID));
            org.eclipse.californium.core.CoapClient client = new org.eclipse.californium.core.CoapClient();
            client.setEndpoint(oscoreEndpoint(db));
            client.setTimeout(10_000L);
            java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            try {
                // the Echo round trip of Appendix B.1.2 first (cf-oscore leaves it to the application)
                CoapResponse challenge = client.advanced(oscore(org.eclipse.californium.core.coap.Request.newGet(),
                        base + "/obs"));
                org.eclipse.californium.core.coap.Request again = oscore(
                        org.eclipse.californium.core.coap.Request.newGet(), base + "/obs");
                again.getOptions().addOption(challenge.getOptions().getOthers().stream()
                        .filter(o -> o.getNumber() == dev.tern.coap.OptionNumber.ECHO).findFirst().orElseThrow());
                assertThat(client.advanced(again).getResponseText()).isEqualTo("state-0");
                org.eclipse.californium.core.coap.Request register = oscore(
                        org.eclipse.californium.core.coap.Request.newGet(), base + "/obs");
                register.setObserve();
                org.eclipse.californium.core.CoapObserveRelation relation = client.observe(register,
                        new org.eclipse.californium.core.CoapHandler() {
                            @Override
                            public void onLoad(CoapResponse response) {
                                seen.add(response.getResponseText());
                            }

                            @Override
                            public void onError() {
                                seen.add("error");
                            }
                        });
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("state-0"));
                for (int i = 1; i <= 3; i++) {
                    state.set(i);
                    source.changed();
                    String want = "state-" + i;
                    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(want));
                }
                assertThat(seen).containsExactly("state-0", "state-1", "state-2", "state-3");
                assertThat(source.observerCount()).isEqualTo(1);
                relation.proactiveCancel();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                        .until(() -> source.observerCount() == 0);
            } finally {
                client.shutdown();
                client.getEndpoint().destroy();
            }
        }
    }

    /** Observe through OSCORE: Tern's client observes a cf-oscore resource that changes every 200 ms. */
    @Test
    void ternClientObservesACaliforniumResource() throws Exception {
        HashMapCtxDB db = new HashMapCtxDB();
        db.addContext(californiumContext(false, SERVER_ID, CLIENT_ID));
        org.eclipse.californium.core.CoapServer server =
                new org.eclipse.californium.core.CoapServer(Configuration.createStandardWithoutFile());
        CoapEndpoint endpoint = oscoreEndpoint(db);
        server.addEndpoint(endpoint);
        java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();
        // a plain resource: cf-oscore 3.13 answers its own notifications of an OSCoreResource with an
        // unprotected 4.01 "only accessible using OSCORE"; the endpoint protects those of this one
        org.eclipse.californium.core.CoapResource resource = new org.eclipse.californium.core.CoapResource("obs") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond("tick-" + state.get());
            }
        };
        resource.setObservable(true);
        server.add(resource);
        server.start();
        java.util.concurrent.ScheduledExecutorService ticker =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (CoapClient client = CoapClient.builder()
                .objectSecurity(OscoreLayer.client(ternContext(CLIENT_ID, SERVER_ID))).build()) {
            ticker.scheduleAtFixedRate(() -> {
                state.incrementAndGet();
                resource.changed();
            }, 200, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
            java.util.List<Integer> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            String uri = "coap://127.0.0.1:" + endpoint.getAddress().getPort() + "/obs";
            try (dev.tern.coap.Observation obs = client.observe(Request.get(uri).build(),
                    n -> seen.add(Integer.parseInt(n.payloadString().substring("tick-".length()))))) {
                assertThat(obs.registered().get(10, java.util.concurrent.TimeUnit.SECONDS).code())
                        .isEqualTo(Code.CONTENT);
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 4);
            }
            assertThat(seen).isSorted().doesNotHaveDuplicates();
        } finally {
            ticker.shutdownNow();
            server.destroy();
        }
    }

    private static org.eclipse.californium.core.coap.Request oscore(org.eclipse.californium.core.coap.Request r,
                                                                   String uri) {
        r.setURI(uri);
        r.getOptions().setOscore(new byte[0]);
        return r;
    }
}
