package dev.tern.coap.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.MessageType;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RFC 8323 §3.2 (stream) and §4.2 (WebSocket) framing, byte for byte. */
class ReliableFramingTest {
    private static Message msg(Code code, Bytes token, Options options, Bytes payload) {
        return new Message(MessageType.CON, code, 0, token, options, payload);
    }

    private static byte[] hex(String s) {
        return Bytes.fromHex(s.replace(" ", "")).toArray();
    }

    @Test
    void smallRequestLenNibble() {
        // §3.2 Figure 5: Len 0..12 in the first nibble; Len counts options and payload, not the token
        Message get = msg(Code.GET, Bytes.of((byte) 1), Options.of(Option.ofString(OptionNumber.URI_PATH, "hi")),
                Bytes.EMPTY);
        assertThat(ReliableFraming.encode(get, false)).isEqualTo(hex("31 01 01 b2 68 69"));
        assertThat(ReliableFraming.frameLength(hex("31 01 01 b2 68 69"), 0, 6)).isEqualTo(6);
        assertThat(ReliableFraming.decode(hex("31 01 01 b2 68 69"), 0, 6, false)).isEqualTo(get);
    }

    @Test
    void csmWithMaxMessageSize() {
        // 7.01 CSM, Max-Message-Size (2) = 1152 (§5.3.1)
        Message csm = msg(Code.valueOf(7, 1), Bytes.EMPTY, Options.of(Option.ofUint(2, 1152)), Bytes.EMPTY);
        assertThat(ReliableFraming.encode(csm, false)).isEqualTo(hex("30 e1 22 04 80"));
        assertThat(ReliableFraming.decode(hex("30 e1 22 04 80"), 0, 5, false)).isEqualTo(csm);
    }

    @Test
    void emptyPing() {
        assertThat(ReliableFraming.encode(msg(Code.valueOf(7, 2), Bytes.EMPTY, Options.EMPTY, Bytes.EMPTY), false))
                .isEqualTo(hex("00 e2"));
    }

    @Test
    void extendedLength8() {
        // §3.2 Figure 6: Len 13, one extension byte = length - 13
        byte[] payload = new byte[20];
        Message m = msg(Code.CONTENT, Bytes.EMPTY, Options.EMPTY, Bytes.wrap(payload));
        byte[] frame = ReliableFraming.encode(m, false);
        assertThat(Arrays.copyOf(frame, 4)).isEqualTo(hex("d0 08 45 ff"));
        assertThat(frame).hasSize(4 + 20);
        assertThat(ReliableFraming.frameLength(frame, 0, 2)).isEqualTo(ReliableFraming.NEED_MORE);
        assertThat(ReliableFraming.frameLength(frame, 0, 3)).isEqualTo(24);
        assertThat(ReliableFraming.decode(frame, 0, frame.length, false)).isEqualTo(m);
    }

    @Test
    void extendedLength16() {
        // §3.2 Figure 7: Len 14, two extension bytes = length - 269
        Message m = msg(Code.CONTENT, Bytes.EMPTY, Options.EMPTY, Bytes.wrap(new byte[299]));
        byte[] frame = ReliableFraming.encode(m, false);
        assertThat(Arrays.copyOf(frame, 5)).isEqualTo(hex("e0 00 1f 45 ff"));
        assertThat(ReliableFraming.frameLength(frame, 0, 4)).isEqualTo(frame.length);
        assertThat(ReliableFraming.decode(frame, 0, frame.length, false)).isEqualTo(m);
    }

    @Test
    void extendedLength32() {
        // §3.2 Figure 8: Len 15, four extension bytes = length - 65805
        Message m = msg(Code.CONTENT, Bytes.EMPTY, Options.EMPTY, Bytes.wrap(new byte[69_999]));
        byte[] frame = ReliableFraming.encode(m, false);
        assertThat(Arrays.copyOf(frame, 7)).isEqualTo(hex("f0 00 00 10 63 45 ff"));
        assertThat(ReliableFraming.decode(frame, 0, frame.length, false)).isEqualTo(m);
    }

    @Test
    void claimIsReadFromTheHeaderAlone() {
        // a 4 GiB claim is reported from 6 bytes, before anything is buffered
        assertThat(ReliableFraming.frameLength(hex("f0 ff ff ff ff 45"), 0, 6)).isEqualTo(6 + 0xFFFFFFFFL + 65_805);
        assertThat(ReliableFraming.frameLength(hex("f0 ff ff"), 0, 3)).isEqualTo(ReliableFraming.NEED_MORE);
        assertThat(ReliableFraming.frameLength(hex("09"), 0, 1)).isEqualTo(ReliableFraming.MALFORMED);
        assertThat(ReliableFraming.frameLength(hex("0f"), 0, 1)).isEqualTo(ReliableFraming.MALFORMED);
    }

    @Test
    void websocketFormHasNoLength() {
        // §4.2: Len is 0 and there is no extended length; the WebSocket frame delimits the message
        Message get = msg(Code.GET, Bytes.of((byte) 1), Options.of(Option.ofString(OptionNumber.URI_PATH, "hi")),
                Bytes.EMPTY);
        assertThat(ReliableFraming.encode(get, true)).isEqualTo(hex("01 01 01 b2 68 69"));
        assertThat(ReliableFraming.decode(hex("01 01 01 b2 68 69"), 0, 6, true)).isEqualTo(get);
        assertThat(ReliableFraming.decode(hex("31 01 01 b2 68 69"), 0, 6, true)).isInstanceOf(MessageFormatError.class);
    }

    @Test
    void malformedFramesAreErrors() {
        assertThat(ReliableFraming.decode(hex("31 01 01 b2 68"), 0, 5, false)).isInstanceOf(MessageFormatError.class);
        assertThat(ReliableFraming.decode(hex("00 45 ff"), 0, 3, false)).isInstanceOf(MessageFormatError.class);
        assertThat(ReliableFraming.decode(hex("10 45 ff"), 0, 3, false)).isInstanceOf(MessageFormatError.class);
        assertThat(ReliableFraming.decode(null, 0, 0, false)).isInstanceOf(MessageFormatError.class);
    }

    @Test
    void extendedTokenRoundTrip() {
        Message m = msg(Code.GET, Bytes.wrap(new byte[20]), Options.EMPTY, Bytes.EMPTY);
        byte[] frame = ReliableFraming.encode(m, false);
        assertThat(Arrays.copyOf(frame, 3)).isEqualTo(hex("0d 01 07"));
        assertThat(ReliableFraming.frameLength(frame, 0, 3)).isEqualTo(frame.length);
        assertThat(ReliableFraming.decode(frame, 0, frame.length, false)).isEqualTo(m);
    }
}
