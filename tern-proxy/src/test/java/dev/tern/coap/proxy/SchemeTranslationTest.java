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
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Scheme translation coap to coaps and back (RFC 7252 §5.7.2: Proxy-Uri with another scheme). */
class SchemeTranslationTest {
    private static final byte[] KEY = "secret".getBytes(StandardCharsets.UTF_8);

    @Test
    void aPlainCoapClientReachesACoapsOriginThroughTheProxysDtlsClient() {
        try (Loopback.Origin origin = new Loopback.Origin(Dtls.server(DtlsConfig.server().pskStore("proxy", KEY).build()));
             CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1")
                     .coapsSecurity(Dtls.client(DtlsConfig.client().psk("proxy", "secret").build())).build();
             CoapServer server = Loopback.proxyServer(proxy, null);
             CoapClient client = CoapClient.create()) {
            assertThat(origin.uri("/hello")).startsWith("coaps://");
            Response r = call(client, Loopback.viaProxy(server, origin.uri("/hello")));
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo("Hello []");
            assertThat(origin.requests.get(0).peerIdentity()).isPresent();
        }
    }

    /** Forwarding only for clients that authenticated over DTLS (issue 13: an identity can be required). */
    @Test
    void aProxyThatRequiresAnIdentityForwardsForDtlsClientsOnly() {
        try (Loopback.Origin origin = new Loopback.Origin();
             CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1")
                     .authorize(r -> r.peerIdentity().isPresent()).build();
             CoapServer plain = Loopback.proxyServer(proxy, null);
             CoapServer secure = CoapServer.builder().port(0).bind("127.0.0.1")
                     .security(Dtls.server(DtlsConfig.server().pskStore("dev", KEY).build()))
                     .proxy(proxy.forward()).build().start();
             CoapClient anonymous = CoapClient.create();
             CoapClient known = CoapClient.builder()
                     .security(Dtls.client(DtlsConfig.client().psk("dev", "secret").build())).build()) {
            assertThat(call(anonymous, Loopback.viaProxy(plain, origin.uri("/hello"))).code())
                    .isEqualTo(Code.FORBIDDEN);
            assertThat(origin.requests).isEmpty();
            Response r = call(known, Request.get("coaps://127.0.0.1:" + secure.port())
                    .option(Option.ofString(OptionNumber.PROXY_URI, origin.uri("/hello"))));
            assertThat(r.code()).isEqualTo(Code.CONTENT);
        }
    }

    @Test
    void aCoapsClientReachesAPlainOriginThroughTheProxy() {
        try (Loopback.Origin origin = new Loopback.Origin();
             CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1").build();
             CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1")
                     .security(Dtls.server(DtlsConfig.server().pskStore("dev", KEY).build()))
                     .proxy(proxy.forward()).build().start();
             CoapClient client = CoapClient.builder()
                     .security(Dtls.client(DtlsConfig.client().psk("dev", "secret").build())).build()) {
            Response r = call(client, Request.get("coaps://127.0.0.1:" + server.port())
                    .option(Option.ofString(OptionNumber.PROXY_URI, origin.uri("/hello"))));
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo("Hello []");
        }
    }
}
