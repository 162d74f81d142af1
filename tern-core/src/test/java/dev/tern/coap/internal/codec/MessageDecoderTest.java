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

/** Golden vectors: hex datagrams (RFC 7252 examples and hand-computed) decoded and re-encoded. */
class MessageDecoderTest {

    static byte[] hex(String s) {
        return Bytes.fromHex(s.replace(" ", "")).toArray();
    }

    static String repeatHex(String byteHex, int count) {
        return byteHex.repeat(count);
    }

    static Bytes filler(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'a');
        return Bytes.wrap(b);
    }

    /** Decodes, expects a Message, and checks that re-encoding gives back the exact bytes. */
    static Message decodeOk(String hexString) {
        byte[] wire = hex(hexString);
        DecodeResult r = MessageDecoder.decode(wire);
        assertThat(r).isInstanceOf(Message.class);
        Message m = (Message) r;
        assertThat(MessageEncoder.encode(m)).isEqualTo(wire);
        assertThat(MessageEncoder.encodedSize(m)).isEqualTo(wire.length);
        return m;
    }

    /** The option array is sized from the headers first; any count and any extended form decodes. */
    @Test
    void anyNumberOfOptionsDecodes() {
        for (int count : new int[] {1, 2, 4, 5, 17, 300}) {
            Option[] options = new Option[count];
            for (int i = 0; i < count; i++) {
                // Extended deltas (13+, 269+) and lengths (13+, 269+) mixed in.
                int number = i == 0 ? 1 : i == 1 ? 300 : 300 + 20 * i;
                options[i] = new Option(number, filler(i % 7 == 3 ? 400 : i % 5 == 2 ? 20 : i % 4));
            }
            Message m = new Message(MessageType.CON, Code.POST, 7, Bytes.of(new byte[] {1, 2}), Options.of(options),
                    filler(3));
            byte[] wire = MessageEncoder.encode(m);
            assertThat(MessageDecoder.decode(wire)).as("%d options", count).isEqualTo(m);
            assertThat(((Message) MessageDecoder.decode(wire)).options().size()).isEqualTo(count);
        }
    }

    @Test
    void rfcGetTemperature() {
        Message m = decodeOk("40 01 7d 34 bb 74 65 6d 70 65 72 61 74 75 72 65");
        assertThat(m).isEqualTo(new Message(MessageType.CON, Code.GET, 0x7d34, Bytes.EMPTY,
                Options.of(Option.ofString(OptionNumber.URI_PATH, "temperature")), Bytes.EMPTY));
    }

    @Test
    void rfcPiggybackedContent() {
        Message m = decodeOk("60 45 7d 34 ff 32 32 2e 33 20 43");
        assertThat(m).isEqualTo(new Message(MessageType.ACK, Code.CONTENT, 0x7d34, Bytes.EMPTY, Options.EMPTY,
                Bytes.utf8("22.3 C")));
    }

    @Test
    void fourByteTokenAndPath() {
        Message m = decodeOk("44 01 12 34 de ad be ef b4 74 65 6d 70");
        assertThat(m.token()).isEqualTo(Bytes.fromHex("deadbeef"));
        assertThat(m.options().uriPath()).containsExactly("temp");
        assertThat(m.type()).isEqualTo(MessageType.CON);
        assertThat(m.messageId()).isEqualTo(0x1234);
    }

    @Test
    void eightByteTokenWithPayload() {
        Message m = decodeOk("58 45 00 01 01 02 03 04 05 06 07 08 ff 00");
        assertThat(m.type()).isEqualTo(MessageType.NON);
        assertThat(m.token()).isEqualTo(Bytes.fromHex("0102030405060708"));
        assertThat(m.payload()).isEqualTo(Bytes.of((byte) 0));
    }

    @Test
    void emptyAckRstAndPing() {
        assertThat(decodeOk("60 00 12 34")).isEqualTo(Message.empty(MessageType.ACK, 0x1234));
        assertThat(decodeOk("70 00 ff ff")).isEqualTo(Message.empty(MessageType.RST, 0xffff));
        assertThat(decodeOk("40 00 00 00")).isEqualTo(Message.empty(MessageType.CON, 0));
    }

    @Test
    void nonPost() {
        Message m = decodeOk("52 02 ab cd 0a 0b ff 68 69");
        assertThat(m).isEqualTo(new Message(MessageType.NON, Code.POST, 0xabcd, Bytes.fromHex("0a0b"),
                Options.EMPTY, Bytes.utf8("hi")));
    }

    @Test
    void size1UsesOneByteDeltaExtension() {
        // delta 60 = 13 + 47 (0x2f); value 1024 = 04 00
        Message m = decodeOk("40 02 00 01 d2 2f 04 00");
        assertThat(m.options().size1()).hasValue(1024);
    }

    @Test
    void noResponse258UsesOneByteDeltaExtension() {
        // delta 258 = 13 + 245 (0xf5): the extension byte 0xf5 is not a marker
        Message m = decodeOk("50 01 ab cd d1 f5 1a");
        assertThat(m.options().noResponse()).hasValue(26);
    }

    @Test
    void requestTag292UsesTwoByteDeltaExtension() {
        // delta 292 = 269 + 23 (00 17)
        Message m = decodeOk("40 02 00 02 e2 00 17 ab cd");
        assertThat(m.options().all()).containsExactly(new Option(OptionNumber.REQUEST_TAG, Bytes.fromHex("abcd")));
    }

    @Test
    void option2000AfterRequestTag() {
        // 292 then 2000: delta 1708 = 269 + 1439 (05 9f)
        Message m = decodeOk("40 02 00 02 e2 00 17 ab cd e0 05 9f");
        assertThat(m.options().all()).containsExactly(
                new Option(OptionNumber.REQUEST_TAG, Bytes.fromHex("abcd")), Option.ofEmpty(2000));
    }

    @Test
    void option2000Alone() {
        // 2000 = 269 + 1731 (06 c3)
        Message m = decodeOk("40 01 00 03 e0 06 c3");
        assertThat(m.options().all()).containsExactly(Option.ofEmpty(2000));
    }

    @Test
    void largestOptionNumber() {
        // 65535 = 269 + 65266 (fe f2)
        Message m = decodeOk("40 01 00 03 e0 fe f2");
        assertThat(m.options().all()).containsExactly(Option.ofEmpty(65535));
    }

    @Test
    void delta12And13Boundaries() {
        // Content-Format (12) direct nibble, then 12 + 13 = 25 via one extension byte 00
        Message m = decodeOk("40 01 00 04 c1 32 d0 00");
        assertThat(m.options().all()).containsExactly(Option.ofUint(12, 50), Option.ofEmpty(25));
        // 268 = 13 + 255 (ff): an extension byte 0xff is data, not a marker
        Message m2 = decodeOk("40 01 00 04 d0 ff");
        assertThat(m2.options().all()).containsExactly(Option.ofEmpty(268));
        // 269 = 269 + 0
        Message m3 = decodeOk("40 01 00 04 e0 00 00");
        assertThat(m3.options().all()).containsExactly(Option.ofEmpty(269));
    }

    @Test
    void optionLength12() {
        Message m = decodeOk("40 01 00 05 bc" + repeatHex("61", 12));
        assertThat(m.options().get(0)).isEqualTo(new Option(OptionNumber.URI_PATH, filler(12)));
    }

    @Test
    void optionLength13() {
        Message m = decodeOk("40 01 00 05 bd 00" + repeatHex("61", 13));
        assertThat(m.options().get(0)).isEqualTo(new Option(OptionNumber.URI_PATH, filler(13)));
    }

    @Test
    void optionLength268WithExtensionByteFf() {
        Message m = decodeOk("40 01 00 05 bd ff" + repeatHex("61", 268));
        assertThat(m.options().get(0)).isEqualTo(new Option(OptionNumber.URI_PATH, filler(268)));
    }

    @Test
    void optionLength269() {
        Message m = decodeOk("40 01 00 05 be 00 00" + repeatHex("61", 269));
        assertThat(m.options().get(0)).isEqualTo(new Option(OptionNumber.URI_PATH, filler(269)));
    }

    @Test
    void optionLength300WithExtendedDeltaFirst() {
        // Proxy-Uri (35): delta nibble 13 (ext 0x16 = 22), length nibble 14 (ext 00 1f = 31 + 269 = 300)
        Message m = decodeOk("40 01 00 06 de 16 00 1f" + repeatHex("61", 300) + "ff 70");
        assertThat(m.options().get(0)).isEqualTo(new Option(OptionNumber.PROXY_URI, filler(300)));
        assertThat(m.payload()).isEqualTo(Bytes.utf8("p"));
    }

    @Test
    void repeatedOptionsKeepWireOrder() {
        // Uri-Path "a", "b", "c"; then Uri-Query "x=1"
        Message m = decodeOk("40 01 00 07 b1 61 01 62 01 63 43 78 3d 31");
        assertThat(m.options().uriPath()).containsExactly("a", "b", "c");
        assertThat(m.options().uriQuery()).containsExactly("x=1");
    }

    @Test
    void ffInsideOptionValueIsData() {
        Message m = decodeOk("40 01 00 08 42 ff ff ff 01");
        assertThat(m.options().all()).containsExactly(new Option(OptionNumber.ETAG, Bytes.fromHex("ffff")));
        assertThat(m.payload()).isEqualTo(Bytes.of((byte) 1));
    }

    @Test
    void decodesSliceOfLargerBuffer() {
        byte[] buf = hex("aa bb 60 45 7d 34 ff 32 32 cc");
        DecodeResult r = MessageDecoder.decode(buf, 2, 7);
        assertThat(r).isEqualTo(new Message(MessageType.ACK, Code.CONTENT, 0x7d34, Bytes.EMPTY, Options.EMPTY,
                Bytes.utf8("22")));
    }

    @Test
    void reservedAndUnusualCodesDecode() {
        // class 7 and 1 are reserved but the format is valid; the engine decides
        assertThat(((Message) MessageDecoder.decode(hex("40 ff 00 01"))).code()).isEqualTo(Code.valueOf(7, 31));
        assertThat(((Message) MessageDecoder.decode(hex("40 3f 00 01"))).code()).isEqualTo(Code.valueOf(1, 31));
        assertThat(((Message) MessageDecoder.decode(hex("60 5f 00 01"))).code()).isEqualTo(Code.CONTINUE);
        assertThat(((Message) MessageDecoder.decode(hex("60 9d 00 01"))).code()).isEqualTo(Code.TOO_MANY_REQUESTS);
    }

    @Test
    void unknownCriticalOptionsAreNotTheDecodersBusiness() {
        // a 3-byte Accept (17 = 13 + 4), a repeated Accept and option 9999 (odd, unknown: 9982 = 269 + 0x25f1)
        Message m = decodeOk("40 01 00 09 d3 04 01 02 03 00 e0 25 f1");
        assertThat(m.options().all()).containsExactly(new Option(OptionNumber.ACCEPT, Bytes.fromHex("010203")),
                Option.ofEmpty(OptionNumber.ACCEPT), Option.ofEmpty(9999));
    }
}
