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
        ForwardFrame.Frame f = ForwardFrame.parse(out, n).get(0);
        assertThat(f).isEqualTo(new ForwardFrame.Frame(ForwardFrame.RECORD, 3, 1_700_000_000_000L, client, 23,
                record.length));
        assertThat(n).isEqualTo(23 + record.length + ForwardFrame.MAC);
        assertThat(Arrays.copyOfRange(out, f.payloadOffset(), f.payloadOffset() + f.payloadLength())).isEqualTo(record);
        assertThat(ForwardFrame.authentic(out, n, mac)).isTrue();
    }

    @Test
    void anIpv6ReplyRoundTrips() {
        Mac mac = keys.forwardingMac();
        byte[] out = new byte[ForwardFrame.maxSize(3)];
        InetSocketAddress client = new InetSocketAddress("2001:db8::7", 5684);
        int n = ForwardFrame.encode(ForwardFrame.REPLY, 255, 5, client, new byte[] {1, 2, 3}, 3, mac, out);
        assertThat(ForwardFrame.parse(out, n).get(0).client()).isEqualTo(client);
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
    void aFrameOfAnEarlierVersionIsNotRead() {
        byte[] out = new byte[ForwardFrame.maxSize(4)];
        int n = ForwardFrame.encode(ForwardFrame.RECORD, 1, 5, new InetSocketAddress("127.0.0.1", 1), new byte[4], 4,
                keys.forwardingMac(), out);
        assertThat(ForwardFrame.parse(out, n)).isNotNull();
        for (int version = 1; version <= 2; version++) {
            out[1] = (byte) version;
            assertThat(ForwardFrame.parse(out, n)).isNull();
        }
    }

    @Test
    void aCodecReadsFramesOfSeveralClientsInTurnAndTagsLikeTheStaticMethods() {
        ForwardFrame.Codec codec = new ForwardFrame.Codec(keys.forwardingMac(), 1);
        InetSocketAddress one = new InetSocketAddress("127.0.0.5", 40123);
        InetSocketAddress two = new InetSocketAddress("2001:db8::7", 40123);
        byte[] out = new byte[ForwardFrame.maxSize(3)];
        byte[] reference = new byte[out.length];
        for (InetSocketAddress client : new InetSocketAddress[] {one, one, two, one, two, two}) {
            int n = codec.encode(ForwardFrame.REPLY, 7, 9, client, new byte[] {1, 2, 3}, 3, out);
            int m = ForwardFrame.encode(ForwardFrame.REPLY, 7, 9, client, new byte[] {1, 2, 3}, 3, keys.forwardingMac(),
                    reference);
            assertThat(Arrays.copyOf(out, n)).isEqualTo(Arrays.copyOf(reference, m));
            assertThat(codec.parse(out, n)).isEqualTo(1);
            assertThat(codec.client(0)).isEqualTo(client);
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
        b[12] = 1; // one frame
        b[13] = 1; // a record
        b[14] = 5; // address length
        assertThat(ForwardFrame.parse(b, 60)).isNull();
        b[14] = 16;
        assertThat(ForwardFrame.parse(b, 61)).isNull(); // longer than the array
        assertThat(ForwardFrame.parse(b, 13 + 2 + 16 + 1 + ForwardFrame.MAC)).isNull(); // port cut
        b[12] = 0;
        assertThat(ForwardFrame.parse(b, 60)).isNull(); // no frame
    }

    @Test
    void anIpv4MappedIpv6AddressIsNotAcceptedSinceEncodeNeverWritesIt() {
        byte[] b = new byte[13 + 2 + 16 + 4 + ForwardFrame.MAC];
        b[0] = (byte) ForwardFrame.MAGIC;
        b[1] = ForwardFrame.VERSION;
        b[12] = 1;
        b[13] = 1;
        b[14] = 16;
        b[15 + 10] = (byte) 0xFF;
        b[15 + 11] = (byte) 0xFF; // ::ffff:0.0.0.0
        assertThat(ForwardFrame.parse(b, b.length)).isNull();
        b[15 + 10] = 0;
        assertThat(ForwardFrame.parse(b, b.length)).isNotNull(); // :: itself is well-formed
    }

    /** A batch of three frames: a record and a reply for one client, a record for an IPv6 one. */
    private int batch(ForwardFrame.Codec codec, byte[] out) {
        InetSocketAddress one = new InetSocketAddress("127.0.0.5", 40123);
        InetSocketAddress two = new InetSocketAddress("2001:db8::7", 5684);
        int p = codec.begin(9, 77, out);
        p = codec.append(out, p, ForwardFrame.RECORD, one, new byte[] {1, 2, 3}, 3);
        p = codec.append(out, p, ForwardFrame.REPLY, one, new byte[] {4}, 1);
        p = codec.append(out, p, ForwardFrame.RECORD, two, new byte[0], 0);
        return codec.finish(out, p, 3);
    }

    @Test
    void aBatchRoundTripsFrameByFrameUnderOneTag() {
        ForwardFrame.Codec codec = new ForwardFrame.Codec(keys.forwardingMac(), 3);
        byte[] out = new byte[200];
        int n = batch(codec, out);
        assertThat(n).isEqualTo(13 + (10 + 3) + (10 + 1) + (22 + 0) + ForwardFrame.MAC);
        assertThat(codec.parse(out, n)).isEqualTo(3);
        assertThat(codec.authentic(out, n)).isTrue();
        assertThat(codec.node()).isEqualTo(9);
        assertThat(codec.sentAt()).isEqualTo(77);
        assertThat(new int[] {codec.kind(0), codec.kind(1), codec.kind(2)}).containsExactly(1, 2, 1);
        assertThat(codec.client(1)).isEqualTo(new InetSocketAddress("127.0.0.5", 40123));
        assertThat(codec.client(2)).isEqualTo(new InetSocketAddress("2001:db8::7", 5684));
        assertThat(Arrays.copyOfRange(out, codec.offset(0), codec.offset(0) + codec.length(0))).containsExactly(1, 2, 3);
        assertThat(Arrays.copyOfRange(out, codec.offset(1), codec.offset(1) + codec.length(1))).containsExactly(4);
        assertThat(codec.length(2)).isZero();
    }

    @Test
    void aBatchWhoseFramesDoNotTileItOrNumberItsCountIsMalformedWhole() {
        ForwardFrame.Codec codec = new ForwardFrame.Codec(keys.forwardingMac(), 3);
        byte[] out = new byte[200];
        int n = batch(codec, out);
        byte[] longer = out.clone();
        longer[13 + 2 + 4 + 2 + 1] = 4; // the first datagram claims a byte more: the frames end inside the tag
        assertThat(codec.parse(longer, n)).isEqualTo(ForwardFrame.MALFORMED);
        byte[] shorter = out.clone();
        shorter[13 + 2 + 4 + 2 + 1] = 2; // a byte less: the next frame is read from the wrong place
        assertThat(codec.parse(shorter, n)).isEqualTo(ForwardFrame.MALFORMED);
        byte[] fewer = out.clone();
        fewer[12] = 2; // two frames counted, three there: bytes left over
        assertThat(codec.parse(fewer, n)).isEqualTo(ForwardFrame.MALFORMED);
        byte[] more = out.clone();
        more[12] = 4; // four counted, three there
        assertThat(new ForwardFrame.Codec(null, 4).parse(more, n)).isEqualTo(ForwardFrame.MALFORMED);
        byte[] cut = out.clone();
        assertThat(codec.parse(cut, n - 1)).isEqualTo(ForwardFrame.MALFORMED); // truncated
        assertThat(codec.parse(out, n)).isEqualTo(3);
    }

    @Test
    void aBatchOfMoreFramesThanTheReadersBoundIsRefused() {
        byte[] out = new byte[200];
        int n = batch(new ForwardFrame.Codec(keys.forwardingMac(), 3), out);
        assertThat(new ForwardFrame.Codec(keys.forwardingMac(), 2).parse(out, n)).isEqualTo(ForwardFrame.TOO_MANY);
        assertThat(new ForwardFrame.Codec(keys.forwardingMac(), 3).parse(out, n)).isEqualTo(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ForwardFrame.Codec(null, 256))
                .hasMessageContaining("maxFrames");
    }

    @Test
    void aBitFlippedInAnyFrameOfABatchFailsTheWholeBatchsTag() {
        ForwardFrame.Codec codec = new ForwardFrame.Codec(keys.forwardingMac(), 3);
        byte[] out = new byte[200];
        int n = batch(codec, out);
        for (int i = 0; i < (n - ForwardFrame.MAC) * 8; i++) {
            byte[] bad = out.clone();
            bad[i / 8] ^= (byte) (1 << (i % 8));
            assertThat(codec.authentic(bad, n)).as("bit %d", i).isFalse();
        }
    }

    @Test
    void aShortSecretIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ClusterKeys(new byte[15]))
                .hasMessageContaining("at least 16 bytes");
    }
}
