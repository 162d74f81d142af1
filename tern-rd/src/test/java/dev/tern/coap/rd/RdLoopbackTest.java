package dev.tern.coap.rd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Link;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.MessageType;
import dev.tern.coap.Observation;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.testkit.CoapMessage;
import dev.tern.coap.testkit.ManualScheduler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The directory in a running server on loopback UDP: Observe on lookups, simple registration (§5.1), group lookups. */
class RdLoopbackTest {
    private final ResourceDirectory rd = ResourceDirectory.builder().fetchTimeout(Duration.ofSeconds(10)).build();
    private final CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(rd.router())
            .build().start();
    private final CoapClient client = CoapClient.create();

    @AfterEach
    void stop() {
        client.close();
        server.close();
        rd.close();
    }

    private String uri(String pathAndQuery) {
        return "coap://127.0.0.1:" + server.port() + pathAndQuery;
    }

    /** RFC 9176 §6 with RFC 7641: an observed lookup is notified when a registration appears, changes or goes. */
    @Test
    void observedLookupIsNotifiedOfChanges() {
        List<Response> seen = new CopyOnWriteArrayList<>();
        try (Observation o = client.observe(Request.get(uri("/rd-lookup/res?rt=light*")).build(), seen::add)) {
            Response first = o.registered().join();
            assertThat(first.options().observe()).isPresent();
            assertThat(first.payloadString()).isEmpty();
            Response reg = client.call(Request.post(uri("/rd?ep=lamp-1&base=coap://lamp.example"))
                    .payload("</light>;rt=light-lux").contentFormat(40).build());
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream()
                    .anyMatch(r -> r.payloadString().equals("<coap://lamp.example/light>;rt=\"light-lux\";anchor=\"coap://lamp.example\"")));
            client.call(Request.delete(uri("/" + String.join("/", reg.options().locationPath()))).build());
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.get(seen.size() - 1).payloadString().isEmpty());
        }
    }

    /**
     * RFC 9176 §5.1 on the wire: the registrant POSTs an empty request to /.well-known/rd from its
     * server port; the directory fetches /.well-known/core from that address and port, registers
     * the links with that source as base, and answers 2.04.
     */
    @Test
    void simpleRegistrationFetchesWellKnownCoreFromTheSource() throws Exception {
        try (DatagramSocket registrant = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            registrant.setSoTimeout(10_000);
            InetSocketAddress rdAddress = new InetSocketAddress("127.0.0.1", server.port());
            Options post = Options.builder().uriPath("/.well-known/rd").uriQuery("ep=simple-1").uriQuery("lt=600").build();
            send(registrant, rdAddress, new Message(MessageType.CON, Code.POST, 0x1001, Bytes.fromHex("a1"), post, Bytes.EMPTY));
            boolean fetched = false;
            Message done = null;
            while (done == null) {
                DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
                Message m = receive(registrant, p);
                if (m.code().equals(Code.GET)) {
                    // from the directory's client, which has its own port
                    assertThat(m.type()).isEqualTo(MessageType.CON);
                    assertThat(m.options().uriPathString()).isEqualTo("/.well-known/core");
                    send(registrant, (InetSocketAddress) p.getSocketAddress(), new Message(MessageType.ACK, Code.CONTENT, m.messageId(), m.token(),
                            Options.builder().contentFormat(40).build(), Bytes.utf8("</sensors/temp>;rt=temperature-c")));
                    fetched = true;
                } else if (m.code().isResponse()) {
                    done = m;
                    if (m.type() == MessageType.CON) {
                        send(registrant, rdAddress, Message.empty(MessageType.ACK, m.messageId()));
                    }
                }
            }
            assertThat(fetched).isTrue();
            assertThat(done.code()).isEqualTo(Code.CHANGED);
            assertThat(done.token()).isEqualTo(Bytes.fromHex("a1"));
            List<Link> res = LinkFormat.parse(client.call(Request.get(uri("/rd-lookup/res?ep=simple-1")).build())
                    .payloadString());
            assertThat(res).extracting(Link::target)
                    .containsExactly("coap://127.0.0.1:" + registrant.getLocalPort() + "/sensors/temp");
        }
    }

    /** RFC 9176 §5.1: a simple registration with a base, or without ep, is refused before any fetch. */
    @Test
    void simpleRegistrationRefusesBase() {
        assertThat(client.call(Request.post(uri("/.well-known/rd?ep=x&base=coap://evil.example")).build()).code())
                .isEqualTo(Code.BAD_REQUEST);
        assertThat(client.call(Request.post(uri("/.well-known/rd")).build()).code()).isEqualTo(Code.BAD_REQUEST);
    }

    /**
     * RFC 9176 §4: the lookup routes and discovery answer group requests; registration does not. The
     * requests arrive at a server's engine as received on All-CoAP-Nodes (RFC 7252 §8), on a manual
     * clock; what the directory's routes answer is recorded, and what the engine sends is read back.
     */
    @Test
    void groupRequestsReachLookupsOnly() {
        ManualScheduler clock = new ManualScheduler();
        GroupTransport group = new GroupTransport(Rd.address(1), clock);
        List<Response> routed = new ArrayList<>();
        Service recording = request -> rd.router().handle(request).thenApply(r -> {
            routed.add(r);
            return r;
        });
        InetSocketAddress peer = Rd.address(5);
        try (CoapServer groupServer = CoapServer.builder().transport(group, clock).executor(Runnable::run)
                .service(recording).build().start()) {
            assertThat(groupServer.localAddress()).isEqualTo(Rd.address(1));
            group.deliverToGroup(CoapMessage.get(MessageType.NON, 0x2001, Bytes.fromHex("b1"), "/rd-lookup/ep")
                    .encode(), peer);
            group.deliverToGroup(new CoapMessage(MessageType.NON, Code.GET, 0x2002, Bytes.fromHex("b2"),
                    Options.builder().uriPath("/.well-known/core").uriQuery("rt=core.rd").build(), Bytes.EMPTY)
                    .encode(), peer);
            clock.advance(Duration.ofSeconds(10)); // past the Leisure of group responses (RFC 7252 §8.2)
            assertThat(routed).hasSize(2);
            assertThat(routed.get(0).code()).isEqualTo(Code.CONTENT);
            assertThat(routed.get(1).payloadString()).contains("</rd>");
            assertThat(group.sent()).hasSize(2).allSatisfy(d -> assertThat(d.destination()).isEqualTo(peer));

            group.deliverToGroup(new CoapMessage(MessageType.NON, Code.POST, 0x2003, Bytes.fromHex("b3"),
                    Options.builder().uriPath("/rd").uriQuery("ep=x").contentFormat(40).build(),
                    Bytes.utf8("</a>")).encode(), peer);
            clock.advance(Duration.ofSeconds(10));
            assertThat(routed).hasSize(3);
            assertThat(routed.get(2).code()).isEqualTo(Code.NOT_FOUND);
            assertThat(group.sent()).as("no error answer to a group request (RFC 7252 §8.2)").hasSize(2);
            assertThat(rd.registrationCount()).isZero();
        }
    }

    private static void send(DatagramSocket s, InetSocketAddress to, Message m) throws Exception {
        byte[] b = MessageEncoder.encode(m);
        s.send(new DatagramPacket(b, b.length, to));
    }

    private static Message receive(DatagramSocket s, DatagramPacket p) throws Exception {
        s.receive(p);
        DecodeResult r = MessageDecoder.decode(p.getData(), 0, p.getLength());
        assertThat(r).isInstanceOf(Message.class);
        return (Message) r;
    }
}
