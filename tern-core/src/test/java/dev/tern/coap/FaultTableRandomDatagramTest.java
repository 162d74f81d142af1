package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.internal.engine.CoapEndpoint;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * faults.md row 67: random bytes and another protocol's datagram (a DNS reply) on the CoAP port
 * are dropped or answered with RST only (RFC 7252 §4.2, §11.5), and leave no state behind.
 */
class FaultTableRandomDatagramTest {
    /** A DNS reply (RFC 1035 §4.1): ID 0xabcd, QR=1 RD RA, one question for example.com A, one answer. */
    private static final byte[] DNS_REPLY = HexFormat.of().parseHex(
            "abcd81800001000100000000076578616d706c6503636f6d0000010001"
                    + "c00c000100010000012c00045db8d822");
    private CoapServer server;
    private DatagramSocket peer;

    @BeforeEach
    void start() throws IOException {
        server = CoapServer.builder().port(0).bind("127.0.0.1")
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build()).build().start();
        peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() {
        peer.close();
        server.close();
    }

    private void send(byte[] d) throws IOException {
        dev.tern.coap.testkit.RawUdp.send(peer, d, server.port());
    }

    private List<byte[]> answers(int quietMillis) throws IOException {
        List<byte[]> out = new ArrayList<>();
        peer.setSoTimeout(quietMillis);
        byte[] buf = new byte[2048];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                peer.receive(p);
            } catch (SocketTimeoutException e) {
                return out;
            }
            out.add(java.util.Arrays.copyOf(buf, p.getLength()));
        }
    }

    private int table(java.util.function.ToIntFunction<CoapEndpoint> t) {
        return Tables.read(server.endpoint(), t);
    }

    @Test
    void dnsReplyIsDroppedWithoutState() throws IOException {
        send(DNS_REPLY);
        assertThat(answers(400)).isEmpty(); // version 2 (§3: silently ignored)
        assertThat(table(CoapEndpoint::deduplicationEntries)).isZero();
        assertThat(table(CoapEndpoint::peers)).isZero();
    }

    @Test
    void randomBytesGetSilenceOrAnEmptyResetOnly() throws IOException {
        Random random = new Random(67);
        for (int i = 0; i < 2000; i++) {
            byte[] d = new byte[random.nextInt(64)];
            random.nextBytes(d);
            if (d.length > 0 && (d[0] & 0xC0) == 0x40) {
                // version 1: keep it random but not a well-formed message (token length 9-15 is a format error)
                d[0] = (byte) (0x40 | (d[0] & 0x30) | 9 + random.nextInt(7));
            }
            send(d);
        }
        List<byte[]> answers = answers(500);
        for (byte[] a : answers) {
            assertThat(a).as("an empty RST (70 00 MID MID)").hasSize(4);
            assertThat(a[0]).isEqualTo((byte) 0x70);
            assertThat(a[1]).isZero();
        }
        assertThat(table(CoapEndpoint::deduplicationEntries)).isZero();
        assertThat(table(CoapEndpoint::peers)).isZero();
        try (CoapClient client = CoapClient.create()) {
            assertThat(client.get("coap://127.0.0.1:" + server.port() + "/hello").payloadString())
                    .isEqualTo("Hello World!");
        }
    }
}
