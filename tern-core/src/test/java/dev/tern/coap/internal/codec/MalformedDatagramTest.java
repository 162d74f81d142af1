package dev.tern.coap.internal.codec;

import static dev.tern.coap.internal.codec.MessageDecoderTest.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Option;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fault table of RFC 7252 §3, §3.1 (and RFC 8974 for TKL): every row rejected with a precise reason. */
class MalformedDatagramTest {

    static MessageFormatError error(String hexString) {
        DecodeResult r = MessageDecoder.decode(hex(hexString));
        assertThat(r).isInstanceOf(MessageFormatError.class);
        return (MessageFormatError) r;
    }

    static MessageFormatError errorWithHeader(String hexString, int mid, boolean con) {
        MessageFormatError e = error(hexString);
        assertThat(e.messageId()).isEqualTo(mid);
        assertThat(e.confirmable()).isEqualTo(con);
        assertThat(e.versionOk()).isTrue();
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "40", "40 01", "40 01 12"})
    void shorterThanHeader(String hexString) {
        MessageFormatError e = error(hexString);
        assertThat(e.reason()).isEqualTo("datagram shorter than the 4-byte header");
        assertThat(e.offset()).isZero();
        assertThat(e.messageId()).isEqualTo(-1);
        assertThat(e.confirmable()).isFalse();
        assertThat(e.versionOk()).isFalse();
    }

    @Test
    void nullAndBadRangesAreErrorsNotExceptions() {
        assertThat(MessageDecoder.decode(null)).isInstanceOf(MessageFormatError.class);
        assertThat(MessageDecoder.decode(null, 0, 0)).isInstanceOf(MessageFormatError.class);
        byte[] b = hex("60 00 12 34");
        assertThat(MessageDecoder.decode(b, -1, 4)).isInstanceOf(MessageFormatError.class);
        assertThat(MessageDecoder.decode(b, 1, 4)).isInstanceOf(MessageFormatError.class);
        assertThat(MessageDecoder.decode(b, 0, -1)).isInstanceOf(MessageFormatError.class);
        assertThat(MessageDecoder.decode(b, Integer.MAX_VALUE, 4)).isInstanceOf(MessageFormatError.class);
        assertThat(MessageDecoder.decode(b, 2, Integer.MAX_VALUE)).isInstanceOf(MessageFormatError.class);
        assertThat(MessageDecoder.decode(b, 4, 0)).isInstanceOf(MessageFormatError.class);
    }

    @Test
    void version0() {
        MessageFormatError e = error("00 01 12 34");
        assertThat(e.reason()).isEqualTo("unsupported version 0");
        assertThat(e.versionOk()).isFalse();
        assertThat(e.messageId()).isEqualTo(0x1234);
        assertThat(e.confirmable()).isTrue();
    }

    @Test
    void version2() {
        MessageFormatError e = error("90 01 ab cd");
        assertThat(e.reason()).isEqualTo("unsupported version 2");
        assertThat(e.versionOk()).isFalse();
        assertThat(e.messageId()).isEqualTo(0xabcd);
        assertThat(e.confirmable()).isFalse(); // type 1 = NON
    }

    @Test
    void version3() {
        MessageFormatError e = error("c0 45 00 07 ff 00");
        assertThat(e.reason()).isEqualTo("unsupported version 3");
        assertThat(e.versionOk()).isFalse();
        assertThat(e.messageId()).isEqualTo(7);
        assertThat(e.confirmable()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {9, 10, 11, 12, 15})
    void tokenLength9To12And15NotSupported(int tkl) {
        // RFC 8974 §2.1: 9-12 express no length, 15 is reserved; 13 and 14 are extended lengths
        // enough bytes follow for any of these lengths, so the TKL itself is the fault
        String h = String.format("%02x 01 12 34", 0x40 | tkl) + "00".repeat(20);
        MessageFormatError e = errorWithHeader(h, 0x1234, true);
        assertThat(e.reason()).isEqualTo("token length " + tkl + " not supported");
        assertThat(e.offset()).isZero();
    }

    @Test
    void tokenLongerThanRemainingBytes() {
        MessageFormatError e = errorWithHeader("58 01 12 34 01 02 03", 0x1234, false);
        assertThat(e.reason()).isEqualTo("token length 8 exceeds the 3 bytes after the header");
        assertThat(e.offset()).isEqualTo(4);
    }

    @Test
    void emptyMessageWithToken() {
        MessageFormatError e = errorWithHeader("41 00 12 34 aa", 0x1234, true);
        assertThat(e.reason()).startsWith("empty message with token/options/payload");
        assertThat(e.offset()).isEqualTo(4);
    }

    @Test
    void emptyMessageWithOptions() {
        MessageFormatError e = errorWithHeader("60 00 12 34 b1 61", 0x1234, false);
        assertThat(e.reason()).startsWith("empty message with token/options/payload");
    }

    @Test
    void emptyMessageWithPayload() {
        MessageFormatError e = errorWithHeader("70 00 12 34 ff 01", 0x1234, false);
        assertThat(e.reason()).startsWith("empty message with token/options/payload");
    }

    @Test
    void emptyMessageWithBareMarker() {
        MessageFormatError e = errorWithHeader("40 00 12 34 ff", 0x1234, true);
        assertThat(e.reason()).startsWith("empty message with token/options/payload");
    }

    @Test
    void deltaNibble15WithoutMarker() {
        MessageFormatError e = errorWithHeader("40 01 12 34 f0", 0x1234, true);
        assertThat(e.reason()).contains("delta nibble 15").contains("0xf0");
        assertThat(e.offset()).isEqualTo(4);
    }

    @Test
    void deltaNibble15AfterAnOption() {
        MessageFormatError e = errorWithHeader("40 01 12 34 b1 61 f3 01 02 03", 0x1234, true);
        assertThat(e.reason()).contains("delta nibble 15").contains("0xf3");
        assertThat(e.offset()).isEqualTo(6);
    }

    @Test
    void lengthNibble15() {
        MessageFormatError e = errorWithHeader("50 01 12 34 1f 00", 0x1234, false);
        assertThat(e.reason()).contains("length nibble 15").contains("0x1f");
        assertThat(e.offset()).isEqualTo(4);
    }

    @Test
    void delta13MissingExtension() {
        MessageFormatError e = errorWithHeader("40 01 12 34 d0", 0x1234, true);
        assertThat(e.reason()).isEqualTo("missing 1-byte extended option delta");
        assertThat(e.offset()).isEqualTo(5);
    }

    @Test
    void length13MissingExtension() {
        MessageFormatError e = errorWithHeader("40 01 12 34 bd", 0x1234, true);
        assertThat(e.reason()).isEqualTo("missing 1-byte extended option length");
        assertThat(e.offset()).isEqualTo(5);
    }

    @Test
    void delta14WithNoExtensionBytes() {
        MessageFormatError e = errorWithHeader("40 01 12 34 e0", 0x1234, true);
        assertThat(e.reason()).startsWith("missing 2-byte extended option delta").contains("0 of 2");
        assertThat(e.offset()).isEqualTo(5);
    }

    @Test
    void delta14WithOneExtensionByte() {
        MessageFormatError e = errorWithHeader("40 01 12 34 e0 00", 0x1234, true);
        assertThat(e.reason()).startsWith("missing 2-byte extended option delta").contains("1 of 2");
    }

    @Test
    void length14WithNoExtensionBytes() {
        MessageFormatError e = errorWithHeader("40 01 12 34 be", 0x1234, true);
        assertThat(e.reason()).startsWith("missing 2-byte extended option length").contains("0 of 2");
    }

    @Test
    void length14WithOneExtensionByte() {
        MessageFormatError e = errorWithHeader("40 01 12 34 de 16 00", 0x1234, true);
        assertThat(e.reason()).startsWith("missing 2-byte extended option length").contains("1 of 2");
        assertThat(e.offset()).isEqualTo(6);
    }

    @Test
    void valueBeyondDatagramEnd() {
        MessageFormatError e = errorWithHeader("40 01 12 34 b5 61 62", 0x1234, true);
        assertThat(e.reason()).isEqualTo("value of option 11 (5 bytes) extends beyond the datagram (2 bytes left)");
        assertThat(e.offset()).isEqualTo(5);
    }

    @Test
    void extendedValueBeyondDatagramEnd() {
        MessageFormatError e = errorWithHeader("40 01 12 34 be 00 00 61", 0x1234, true);
        assertThat(e.reason()).contains("269 bytes").contains("1 bytes left");
    }

    @Test
    void cumulativeOptionNumberAbove65535() {
        // Uri-Path (11), then delta 269 + 0xffff: never wraps
        MessageFormatError e = errorWithHeader("40 01 12 34 b0 e0 ff ff", 0x1234, true);
        assertThat(e.reason()).isEqualTo("option number " + (11 + 269 + 0xffff) + " exceeds 65535");
        assertThat(e.offset()).isEqualTo(5);
    }

    @Test
    void cumulativeOptionNumberJustAbove65535() {
        // 65535 then delta 1
        MessageFormatError e = errorWithHeader("40 01 12 34 e0 fe f2 10", 0x1234, true);
        assertThat(e.reason()).isEqualTo("option number 65536 exceeds 65535");
        assertThat(e.offset()).isEqualTo(7);
    }

    @Test
    void payloadMarkerWithoutPayload() {
        MessageFormatError e = errorWithHeader("60 45 12 34 ff", 0x1234, false);
        assertThat(e.reason()).isEqualTo("payload marker without payload");
        assertThat(e.offset()).isEqualTo(4);
    }

    @Test
    void payloadMarkerWithoutPayloadAfterOptions() {
        MessageFormatError e = errorWithHeader("42 01 12 34 aa bb b1 61 ff", 0x1234, true);
        assertThat(e.reason()).isEqualTo("payload marker without payload");
        assertThat(e.offset()).isEqualTo(8);
    }

    @Test
    void ffInsideOptionValueIsDataNotAMarker() {
        // ETag ff; Uri-Path is not there: the following ff is the marker with payload 01
        DecodeResult r = MessageDecoder.decode(hex("40 01 12 34 41 ff ff 01"));
        assertThat(r).isInstanceOf(Message.class);
        Message m = (Message) r;
        assertThat(m.options().all()).containsExactly(new Option(4, Bytes.fromHex("ff")));
        assertThat(m.payload()).isEqualTo(Bytes.fromHex("01"));
        // the same value at the end of the datagram: no marker at all, no payload
        Message m2 = (Message) MessageDecoder.decode(hex("40 01 12 34 41 ff"));
        assertThat(m2.options().all()).containsExactly(new Option(4, Bytes.fromHex("ff")));
        assertThat(m2.payload().isEmpty()).isTrue();
    }

    @Test
    void offsetsAreRelativeToTheSlice() {
        byte[] buf = hex("00 00 00 40 01 12 34 f0");
        MessageFormatError e = (MessageFormatError) MessageDecoder.decode(buf, 3, 5);
        assertThat(e.offset()).isEqualTo(4);
        assertThat(e.messageId()).isEqualTo(0x1234);
    }
}
