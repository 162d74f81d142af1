package dev.tern.coap.oscore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.proxy.CoapProxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * An OSCORE request through Tern's forward proxy (tern-proxy, RFC 7252 §5.7.2): Proxy-Uri is split
 * (RFC 8613 §4.1.3.3) into the class U Proxy-Scheme, Uri-Host and Uri-Port the proxy needs and the
 * class E path and query it never sees; the proxy forwards the protected message unchanged end to
 * end, and the origin verifies it and knows the client's OSCORE identity.
 */
class OscoreProxyTest {
    @Test
    void aProtectedRequestCrossesTheProxyUnreadAndUnchanged() throws Exception {
        SecurityContext serverContext = SecurityContext.builder().masterSecret(Vectors.SECRET).masterSalt(Vectors.SALT)
                .senderId(Bytes.fromHex("01")).recipientId(Bytes.fromHex("")).build();
        List<String> identities = new CopyOnWriteArrayList<>();
        Router router = Router.builder().post("/secret/door", r -> {
            identities.add(r.peerIdentity().map(PeerIdentity::kind).map(Object::toString).orElse("none"));
            return Response.builder(Code.CHANGED).payload("opened " + r.queryParam("who").orElse("?")).build();
        }).build();
        try (CoapServer origin = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .objectSecurity(OscoreLayer.server(OscoreContexts.of(serverContext))).build().start();
             CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1", origin.port()).build();
             CoapServer proxyServer = CoapServer.builder().port(0).bind("127.0.0.1").proxy(proxy.forward()).build()
                     .start();
             RecordingRelay toProxy = new RecordingRelay(proxyServer.port());
             CoapClient client = CoapClient.builder()
                     .objectSecurity(OscoreLayer.client(OscoreLoopbackTest.clientContext(""))).build()) {
            String target = "coap://127.0.0.1:" + origin.port() + "/secret/door?who=alice";
            Response r = client.call(Request.post("coap://127.0.0.1:" + toProxy.port())
                    .option(Option.ofString(OptionNumber.PROXY_URI, target)).payload("knock").build());
            assertThat(r.code()).isEqualTo(Code.CHANGED);
            assertThat(r.payloadString()).isEqualTo("opened alice");
            assertThat(identities).containsOnly("OSCORE");
            for (byte[] d : toProxy.datagrams) { // what the proxy gets: the origin, never the resource
                Message m = (Message) MessageDecoder.decode(d, 0, d.length);
                String text = new String(d, StandardCharsets.ISO_8859_1);
                assertThat(text).doesNotContain("secret", "alice", "knock", "opened");
                assertThat(m.options().has(OptionNumber.PROXY_URI)).isFalse();
                if (m.code().isRequest()) {
                    assertThat(m.options().all(OptionNumber.PROXY_SCHEME)).extracting(o -> o.value().utf8())
                            .containsExactly("coap");
                    assertThat(m.options().has(OptionNumber.OSCORE)).isTrue();
                }
            }
        }
    }

    /**
     * Outer block-wise (RFC 8613 §4.1.3.4.2): the client sends and receives a large body in inner
     * blocks of 1024 bytes; each protected block is larger than that, so the proxy's own client
     * fragments it again with outer Block1/Block2. The origin reassembles the outer blocks before
     * it decrypts, and fragments its protected response when the proxy asks.
     */
    @Test
    void largeProtectedBodiesAreFragmentedAgainByTheProxy() throws Exception {
        SecurityContext serverContext = SecurityContext.builder().masterSecret(Vectors.SECRET).masterSalt(Vectors.SALT)
                .senderId(Bytes.fromHex("01")).recipientId(Bytes.fromHex("")).build();
        String big = "0123456789abcdef".repeat(200);
        Router router = Router.builder()
                .post("/echo", r -> Response.builder(Code.CHANGED).payload(r.payload()).build())
                .get("/big", r -> Response.content(big))
                .build();
        try (CoapServer origin = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .objectSecurity(OscoreLayer.server(OscoreContexts.of(serverContext))).build().start();
             RecordingRelay toOrigin = new RecordingRelay(origin.port());
             CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1", toOrigin.port()).build();
             CoapServer proxyServer = CoapServer.builder().port(0).bind("127.0.0.1").proxy(proxy.forward()).build()
                     .start();
             CoapClient client = CoapClient.builder()
                     .objectSecurity(OscoreLayer.client(OscoreLoopbackTest.clientContext(""))).build()) {
            String via = "coap://127.0.0.1:" + proxyServer.port();
            String target = "coap://127.0.0.1:" + toOrigin.port();
            Response up = client.call(Request.post(via).option(Option.ofString(OptionNumber.PROXY_URI,
                    target + "/echo")).payload(big).build());
            assertThat(up.code()).isEqualTo(Code.CHANGED);
            assertThat(up.payloadString()).isEqualTo(big);
            Response down = client.call(Request.get(via).option(Option.ofString(OptionNumber.PROXY_URI,
                    target + "/big")).build());
            assertThat(down.payloadString()).isEqualTo(big);
            boolean outerBlocks = toOrigin.datagrams.stream().map(d -> (Message) MessageDecoder.decode(d, 0, d.length))
                    .anyMatch(m -> m.options().has(OptionNumber.OSCORE) && m.options().has(OptionNumber.BLOCK1));
            assertThat(outerBlocks).as("the proxy fragmented protected messages").isTrue();
        }
    }
}
