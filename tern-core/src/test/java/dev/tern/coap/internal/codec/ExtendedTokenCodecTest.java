package dev.tern.coap.internal.codec;

import static dev.tern.coap.internal.codec.MessageDecoderTest.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.MessageType;
import dev.tern.coap.Options;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 8974 §2.1 extended token lengths in the codec: TKL 13 is followed by one byte (length - 13),
 * TKL 14 by two bytes (length - 269), TKL 9-12 cannot express any length (format error, RFC 8974
 * §2.1 keeps them reserved) and TKL 15 is always a format error. Tokens of 0-8, 13-268 and
 * 269-65 804 bytes exist; 9-12 have no encoding.
 */
class ExtendedTokenCodecTest {

    private static byte[] token(int length) {
        byte[] t = new byte[length];
        for (int i = 0; i < length; i++) {
            t[i] = (byte) (i * 7 + 1);
        }
        return t;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** A CON GET, MID 0x1234, with the given first byte's TKL nibble and extension bytes, then {@code rest}. */
    private static byte[] datagram(int tkl, byte[] extension, byte[] rest) {
        return concat(new byte[] {(byte) (0x40 | tkl), 0x01, 0x12, 0x34}, extension, rest);
    }

    private static Message decodeOk(byte[] wire) {
        DecodeResult r = MessageDecoder.decode(wire);
        assertThat(r).isInstanceOf(Message.class);
        Message m = (Message) r;
        assertThat(MessageEncoder.encode(m)).as("canonical re-encoding").isEqualTo(wire);
        assertThat(MessageEncoder.encodedSize(m)).isEqualTo(wire.length);
        return m;
    }

    @ParameterizedTest(name = "TKL 13, extension byte {0}: a {1}-byte token")
    @CsvSource({"0, 13", "1, 14", "19, 32", "255, 268"})
    void tkl13CarriesLengthMinus13(int ext, int length) {
        byte[] t = token(length);
        Message m = decodeOk(datagram(13, new byte[] {(byte) ext}, concat(t, hex("b4 74 65 6d 70"))));
        assertThat(m.token()).isEqualTo(Bytes.wrap(t));
        assertThat(m.options().uriPath()).containsExactly("temp");
        assertThat(m.code()).isEqualTo(Code.GET);
        assertThat(m.messageId()).isEqualTo(0x1234);
    }

    @ParameterizedTest(name = "TKL 14, extension {0}: a {1}-byte token")
    @CsvSource({"0000, 269", "0001, 270", "0100, 525", "ffff, 65804"})
    void tkl14CarriesLengthMinus269(String ext, int length) {
        byte[] t = token(length);
        Message m = decodeOk(datagram(14, hex(ext), concat(t, hex("ff 41"))));
        assertThat(m.token().length()).isEqualTo(length);
        assertThat(m.token()).isEqualTo(Bytes.wrap(t));
        assertThat(m.payload()).isEqualTo(Bytes.utf8("A"));
    }

    @Test
    void shortTokensKeepTheirNibble() {
        for (int length = 0; length <= 8; length++) {
            Message m = new Message(MessageType.NON, Code.GET, 1, Bytes.wrap(token(length)), Options.EMPTY, Bytes.EMPTY);
            byte[] wire = MessageEncoder.encode(m);
            assertThat(wire[0] & 0x0F).isEqualTo(length);
            assertThat(wire).hasSize(4 + length);
        }
    }

    @ParameterizedTest(name = "a {0}-byte token is written with TKL {1} and {2} extension byte(s)")
    @CsvSource({"13, 13, 1", "32, 13, 1", "268, 13, 1", "269, 14, 2", "1000, 14, 2", "65804, 14, 2"})
    void encoderPicksTheOnlyForm(int length, int tkl, int extensionBytes) {
        Message m = new Message(MessageType.CON, Code.POST, 0xBEEF, Bytes.wrap(token(length)), Options.EMPTY,
                Bytes.utf8("x"));
        byte[] wire = MessageEncoder.encode(m);
        assertThat(wire[0] & 0x0F).isEqualTo(tkl);
        assertThat(wire).hasSize(4 + extensionBytes + length + 2);
        int ext = extensionBytes == 1 ? wire[4] & 0xFF : (wire[4] & 0xFF) << 8 | (wire[5] & 0xFF);
        assertThat(ext).isEqualTo(length - (tkl == 13 ? 13 : 269));
        assertThat(MessageDecoder.decode(wire)).isEqualTo(m);
    }

    @ParameterizedTest(name = "a {0}-byte token cannot be encoded")
    @ValueSource(ints = {9, 10, 11, 12, 65805, 70000})
    void unencodableTokenLengthsAreRejectedByTheMessage(int length) {
        assertThatThrownBy(() -> new Message(MessageType.CON, Code.GET, 1, Bytes.wrap(new byte[length]),
                Options.EMPTY, Bytes.EMPTY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token");
    }

    @ParameterizedTest(name = "TKL {0}: format error")
    @ValueSource(ints = {9, 10, 11, 12, 15})
    void reservedTklIsAFormatError(int tkl) {
        DecodeResult r = MessageDecoder.decode(datagram(tkl, new byte[0], new byte[300]));
        assertThat(r).isInstanceOf(MessageFormatError.class);
        MessageFormatError e = (MessageFormatError) r;
        assertThat(e.confirmable()).isTrue();
        assertThat(e.messageId()).isEqualTo(0x1234);
        assertThat(e.versionOk()).isTrue();
        assertThat(e.offset()).isZero();
    }

    @ParameterizedTest(name = "{0}: format error at offset {2}")
    @CsvSource({"TKL 13 without its extension byte, 4d0112 34, 4",
            "TKL 14 without extension bytes, 4e011234, 4",
            "TKL 14 with 1 of 2 extension bytes, 4e01123400, 4",
            "TKL 13 token of 13 with 12 present, 4d01123400 000000000000000000000000, 5",
            "TKL 14 token of 269 with none present, 4e0112340000, 6",
            "TKL 14 token of 65804 with 3 present, 4e011234ffff 010203, 6"})
    void missingExtensionOrTokenBytesAreAFormatError(String what, String wire, int offset) {
        DecodeResult r = MessageDecoder.decode(hex(wire));
        assertThat(r).as(what).isInstanceOf(MessageFormatError.class);
        MessageFormatError e = (MessageFormatError) r;
        assertThat(e.confirmable()).isTrue();
        assertThat(e.messageId()).isEqualTo(0x1234);
        assertThat(e.offset()).as(what + ": " + e).isEqualTo(offset);
    }

    @Test
    void emptyMessageWithAnExtendedTokenIsAFormatError() {
        byte[] wire = datagram(13, new byte[] {0}, new byte[13]);
        wire[1] = 0; // code 0.00
        assertThat(MessageDecoder.decode(wire)).isInstanceOf(MessageFormatError.class);
    }

    @Test
    void sliceOfALargerBufferDecodesTheSame() {
        byte[] wire = datagram(13, new byte[] {3}, token(16));
        byte[] padded = concat(new byte[] {9, 9}, wire, new byte[] {7});
        assertThat(MessageDecoder.decode(padded, 2, wire.length)).isEqualTo(MessageDecoder.decode(wire));
        assertThat(((Message) MessageDecoder.decode(wire)).token()).isEqualTo(Bytes.wrap(token(16)));
        assertThat(Arrays.equals(MessageEncoder.encode((Message) MessageDecoder.decode(wire)), wire)).isTrue();
    }
}
