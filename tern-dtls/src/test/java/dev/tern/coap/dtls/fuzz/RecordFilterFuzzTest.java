package dev.tern.coap.dtls.fuzz;

import static dev.tern.coap.dtls.fuzz.FuzzServer.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.dtls.internal.RecordFilter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The DTLS record pre-filter and the server's stateless front (filter, cookie check on
 * BouncyCastle's ClientHello parser, HelloVerifyRequest) on arbitrary datagrams: nothing throws,
 * what the filter accepts is well-formed by its own rules, and no datagram without a valid cookie
 * creates a handshake or a session.
 */
class RecordFilterFuzzTest {
    private static final int CAP = 8192;
    private static final int CID = 6;

    @FuzzTest
    void inspect(byte[] datagram) {
        int verdict = RecordFilter.inspect(datagram, 0, datagram.length, CAP, CID);
        if (verdict == RecordFilter.DROP) {
            return;
        }
        // accepted: the records tile the datagram, and every plaintext handshake fragment is within the cap
        int pos = 0;
        int fragments = 0;
        boolean clientHello = false;
        while (pos < datagram.length) {
            int type = datagram[pos] & 0xFF;
            int epoch = u16(datagram, pos + 3);
            int header = type == 25 ? 13 + CID : 13;
            check(pos + header <= datagram.length, "record header past the end", datagram);
            check(epoch <= 1, "epoch above 1", datagram);
            int length = u16(datagram, pos + header - 2);
            check(pos + header + length <= datagram.length, "record past the end", datagram);
            if (type == 22 && epoch == 0) {
                int p = pos + header;
                while (p < pos + header + length) {
                    int declared = u24(datagram, p + 1);
                    int offset = u24(datagram, p + 6);
                    int fragment = u24(datagram, p + 9);
                    check(declared <= CAP && offset + fragment <= declared, "fragment outside its message", datagram);
                    clientHello |= datagram[p] == 1;
                    fragments++;
                    p += 12 + fragment;
                }
                check(p == pos + header + length, "fragments do not tile the record", datagram);
            }
            pos += header + length;
        }
        check(RecordFilter.fragments(verdict) == fragments, "fragment count", datagram);
        check(((verdict & RecordFilter.CLIENT_HELLO) != 0) == clientHello, "ClientHello flag", datagram);
        check(((verdict & RecordFilter.CID) != 0) == ((datagram[0] & 0xFF) == 25), "CID flag", datagram);
    }

    /** Datagrams (each: a source byte, a length byte, that many bytes) into a PSK server's front. */
    @FuzzTest
    void serverFront(byte[] input) {
        FuzzServer server = new FuzzServer(DtlsConfig.server()
                .pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8)).maxHandshakes(4).build());
        FuzzServer.datagrams(input, (source, datagram) ->
                server.receive(datagram, new InetSocketAddress("127.0.0.1", 40000 + (source & 0x07))));
        int[] counts = server.transport.counts();
        check(counts[0] == 0 && counts[1] == 0, "state without a cookie", input);
        check(server.delivered.isEmpty(), "plaintext without a session", input);
        for (byte[] out : server.wire.sent) {
            check(out.length > 25 && out[0] == 22 && out[13] == 3, "only HelloVerifyRequests go out", input);
        }
    }

    private static int u16(byte[] d, int i) {
        return (d[i] & 0xFF) << 8 | (d[i + 1] & 0xFF);
    }

    private static int u24(byte[] d, int i) {
        return (d[i] & 0xFF) << 16 | (d[i + 1] & 0xFF) << 8 | (d[i + 2] & 0xFF);
    }
}
