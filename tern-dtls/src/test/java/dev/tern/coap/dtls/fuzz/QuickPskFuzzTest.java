package dev.tern.coap.dtls.fuzz;

import static dev.tern.coap.dtls.fuzz.FuzzServer.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.coap.dtls.DtlsConfig;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The full PSK handshake a server runs in place (QuickPsk), past the cookie exchange: a client
 * completes the cookie exchange with a hello the in-place path takes (PSK with AES_128_CCM_8,
 * Extended Master Secret) and gets ServerHello and ServerHelloDone; then arbitrary datagrams follow
 * (each: a source byte, a length byte, that many bytes; most from the client's address). Nothing
 * throws, nothing reaches CoAP (no datagram without the key can verify as the client's Finished),
 * no session is established, and the server sends nothing but handshake, ChangeCipherSpec and alert
 * records in epoch 0 and at most six copies of its first flight.
 */
class QuickPskFuzzTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

    @FuzzTest
    void inPlaceHandshake(byte[] input) {
        FuzzServer server = new FuzzServer(DtlsConfig.server()
                .pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8)).build());
        RecordingWire wire = server.wire;
        byte[] random = new byte[32];
        Arrays.fill(random, (byte) 7);
        byte[] first = hello(random, new byte[0], 0);
        wire.sent.clear();
        server.receive(first, CLIENT);
        byte[] hvr = wire.sent.get(0);
        byte[] cookie = Arrays.copyOfRange(hvr, 13 + 12 + 3, 13 + 12 + 3 + (hvr[13 + 12 + 2] & 0xFF));
        byte[] second = hello(random, cookie, 1);
        wire.sent.clear();
        server.receive(second, CLIENT);
        check(wire.sent.size() == 1 && wire.sent.get(0)[13] == 2, "the in-place first flight", input);
        check(server.transport.counts()[0] == 1, "one handshake in progress", input);
        FuzzServer.datagrams(input, (source, datagram) ->
                server.receive(datagram, (source & 0x07) == 0 ? new InetSocketAddress("127.0.0.1", 40001) : CLIENT));
        check(server.delivered.isEmpty(), "plaintext without the key", input);
        check(server.transport.counts()[1] == 0, "a session without the key", input);
        int flights = 0;
        for (byte[] out : wire.sent) {
            for (int pos = 0; pos + 13 <= out.length; pos += 13 + ((out[pos + 11] & 0xFF) << 8 | out[pos + 12] & 0xFF)) {
                int type = out[pos];
                check(type == 22 || type == 20 || type == 21, "only handshake, ChangeCipherSpec and alert records", input);
                check(out[pos + 3] == 0 && out[pos + 4] == 0, "nothing under the new keys", input);
            }
            if (out[0] == 22 && out.length > 13 && out[13] == 2) {
                flights++;
            }
        }
        check(flights <= 6, "the first flight at most six times", input);
    }

    /** A ClientHello datagram: PSK with AES_128_CCM_8, Extended Master Secret, the given cookie. */
    private static byte[] hello(byte[] random, byte[] cookie, int messageSeq) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0xFE);
        b.write(0xFD);
        b.writeBytes(random);
        b.write(0); // no session ID
        b.write(cookie.length);
        b.writeBytes(cookie);
        b.writeBytes(new byte[] {0, 2, (byte) 0xC0, (byte) 0xA8, 1, 0}); // one suite; null compression
        b.writeBytes(new byte[] {0, 4, 0, 0x17, 0, 0}); // extended_master_secret
        byte[] body = b.toByteArray();
        byte[] d = new byte[13 + 12 + body.length];
        d[0] = 22;
        d[1] = (byte) 0xFE;
        d[2] = (byte) 0xFD;
        d[10] = (byte) messageSeq; // record sequence number
        d[11] = (byte) ((12 + body.length) >> 8);
        d[12] = (byte) (12 + body.length);
        d[13] = 1; // client_hello
        d[15] = (byte) (body.length >> 8);
        d[16] = (byte) body.length;
        d[18] = (byte) messageSeq;
        d[23] = (byte) (body.length >> 8);
        d[24] = (byte) body.length;
        System.arraycopy(body, 0, d, 25, body.length);
        return d;
    }
}
