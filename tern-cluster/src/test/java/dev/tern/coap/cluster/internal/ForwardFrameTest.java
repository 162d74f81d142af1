package dev.tern.coap.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Mac;
import org.junit.jupiter.api.Test;

/** The internal forwarding frame: round trip, tampering, and the keys of two secrets. */
class ForwardFrameTest {
    private final ClusterKeys keys = new ClusterKeys("0123456789abcdef-cluster".getBytes(StandardCharsets.UTF_8));

    @Test
    void aRecordRoundTripsWithItsClientAddress() {
        Mac mac = keys.forwardingMac();
        byte[] record = {25, (byte) 0xFE, (byte) 0xFD, 0, 1, 0, 0, 0, 0, 0, 7, 2, 9, 9};
        byte[] out = new byte[ForwardFrame.maxSize(record.length)];
        InetSocketAddress client = new InetSocketAddress("127.0.0.5", 40123);
        int n = ForwardFrame.encode(ForwardFrame.RECORD, 3, 1_700_000_000_000L, client, record, record.length, mac, out);
        ForwardFrame.Frame f = ForwardFrame.parse(out, n);
        assertThat(f).isEqualTo(new ForwardFrame.Frame(ForwardFrame.RECORD, 3, 1_700_000_000_000L, client, 20,
                record.length));
        assertThat(Arrays.copyOfRange(out, f.payloadOffset(), f.payloadOffset() + f.payloadLength())).isEqualTo(record);
        assertThat(ForwardFrame.authentic(out, n, mac)).isTrue();
    }

    @Test
    void anIpv6ReplyRoundTrips() {
        Mac mac = keys.forwardingMac();
        byte[] out = new byte[ForwardFrame.maxSize(3)];
        InetSocketAddress client = new InetSocketAddress("2001:db8::7", 5684);
        int n = ForwardFrame.encode(ForwardFrame.REPLY, 255, 5, client, new byte[] {1, 2, 3}, 3, mac, out);
        assertThat(ForwardFrame.parse(out, n).client()).isEqualTo(client);
        assertThat(ForwardFrame.authentic(out, n, mac)).isTrue();
    }

    @Test
    void everyFlippedBitFailsTheMac() {
        Mac mac = keys.forwardingMac();
        byte[] out = new byte[ForwardFrame.maxSize(4)];
        int n = ForwardFrame.encode(ForwardFrame.RECORD, 1, 5, new InetSocketAddress("127.0.0.1", 1), new byte[4], 4,
                mac, out);
        for (int i = 0; i < n * 8; i++) {
            byte[] bad = out.clone();
            bad[i / 8] ^= (byte) (1 << (i % 8));
            assertThat(ForwardFrame.authentic(bad, n, mac)).as("bit %d", i).isFalse();
        }
    }

    @Test
    void anotherSecretsMacFails() {
        byte[] out = new byte[ForwardFrame.maxSize(4)];
        int n = ForwardFrame.encode(ForwardFrame.RECORD, 1, 5, new InetSocketAddress("127.0.0.1", 1), new byte[4], 4,
                new ClusterKeys("another secret of sixteen".getBytes(StandardCharsets.UTF_8)).forwardingMac(), out);
        assertThat(ForwardFrame.authentic(out, n, keys.forwardingMac())).isFalse();
    }

    @Test
    void aVersionOneFrameIsNotRead() {
        byte[] out = new byte[ForwardFrame.maxSize(4)];
        int n = ForwardFrame.encode(ForwardFrame.RECORD, 1, 5, new InetSocketAddress("127.0.0.1", 1), new byte[4], 4,
                keys.forwardingMac(), out);
        assertThat(ForwardFrame.parse(out, n)).isNotNull();
        out[1] = 1;
        assertThat(ForwardFrame.parse(out, n)).isNull();
    }

    @Test
    void aCodecReadsFramesOfSeveralClientsInTurnAndTagsLikeTheStaticMethods() {
        ForwardFrame.Codec codec = new ForwardFrame.Codec(keys.forwardingMac());
        InetSocketAddress one = new InetSocketAddress("127.0.0.5", 40123);
        InetSocketAddress two = new InetSocketAddress("2001:db8::7", 40123);
        byte[] out = new byte[ForwardFrame.maxSize(3)];
        byte[] reference = new byte[out.length];
        for (InetSocketAddress client : new InetSocketAddress[] {one, one, two, one, two, two}) {
            int n = codec.encode(ForwardFrame.REPLY, 7, 9, client, new byte[] {1, 2, 3}, 3, out);
            int m = ForwardFrame.encode(ForwardFrame.REPLY, 7, 9, client, new byte[] {1, 2, 3}, 3, keys.forwardingMac(),
                    reference);
            assertThat(Arrays.copyOf(out, n)).isEqualTo(Arrays.copyOf(reference, m));
            assertThat(codec.parse(out, n).client()).isEqualTo(client);
            assertThat(codec.authentic(out, n)).isTrue();
        }
    }

    @Test
    void malformedFramesParseToNull() {
        assertThat(ForwardFrame.parse(new byte[0], 0)).isNull();
        assertThat(ForwardFrame.parse(new byte[60], 60)).isNull(); // no magic
        byte[] b = new byte[60];
        b[0] = (byte) ForwardFrame.MAGIC;
        b[1] = ForwardFrame.VERSION;
        b[2] = 1;
        b[13] = 5; // address length
        assertThat(ForwardFrame.parse(b, 60)).isNull();
        b[13] = 16;
        assertThat(ForwardFrame.parse(b, 61)).isNull(); // longer than the array
        assertThat(ForwardFrame.parse(b, 14 + 16 + 1 + ForwardFrame.MAC)).isNull(); // port cut
    }

    @Test
    void anIpv4MappedIpv6AddressIsNotAcceptedSinceEncodeNeverWritesIt() {
        byte[] b = new byte[14 + 16 + 2 + ForwardFrame.MAC];
        b[0] = (byte) ForwardFrame.MAGIC;
        b[1] = ForwardFrame.VERSION;
        b[2] = 1;
        b[13] = 16;
        b[14 + 10] = (byte) 0xFF;
        b[14 + 11] = (byte) 0xFF; // ::ffff:0.0.0.0
        assertThat(ForwardFrame.parse(b, b.length)).isNull();
    }

    @Test
    void aShortSecretIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ClusterKeys(new byte[15]))
                .hasMessageContaining("at least 16 bytes");
    }
}
