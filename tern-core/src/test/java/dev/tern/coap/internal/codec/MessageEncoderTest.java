package dev.tern.coap.internal.codec;

import static dev.tern.coap.internal.codec.MessageDecoderTest.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.MessageType;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import org.junit.jupiter.api.Test;

class MessageEncoderTest {

    @Test
    void rfcGetTemperature() {
        Message m = new Message(MessageType.CON, Code.GET, 0x7d34, Bytes.EMPTY,
                Options.builder().uriPath("/temperature").build(), Bytes.EMPTY);
        assertThat(MessageEncoder.encode(m)).isEqualTo(hex("40 01 7d 34 bb 74 65 6d 70 65 72 61 74 75 72 65"));
    }

    @Test
    void rfcPiggybackedContent() {
        Message m = new Message(MessageType.ACK, Code.CONTENT, 0x7d34, Bytes.EMPTY, Options.EMPTY,
                Bytes.utf8("22.3 C"));
        assertThat(MessageEncoder.encode(m)).isEqualTo(hex("60 45 7d 34 ff 32 32 2e 33 20 43"));
    }

    @Test
    void emptyMessages() {
        assertThat(MessageEncoder.encode(Message.empty(MessageType.ACK, 0x1234))).isEqualTo(hex("60 00 12 34"));
        assertThat(MessageEncoder.encode(Message.empty(MessageType.RST, 0x1234))).isEqualTo(hex("70 00 12 34"));
    }

    @Test
    void noPayloadMarkerForEmptyPayload() {
        Message m = new Message(MessageType.NON, Code.CONTENT, 1, Bytes.fromHex("aa"),
                Options.builder().contentFormat(0).build(), Bytes.EMPTY);
        assertThat(MessageEncoder.encode(m)).isEqualTo(hex("51 45 00 01 aa c0"));
    }

    @Test
    void optionsWrittenInAscendingOrderWithExtendedDeltas() {
        Options o = Options.of(Option.ofEmpty(2000), new Option(OptionNumber.REQUEST_TAG, Bytes.fromHex("abcd")),
                Option.ofUint(OptionNumber.NO_RESPONSE, 26), Option.ofUint(OptionNumber.SIZE1, 1024));
        Message m = new Message(MessageType.CON, Code.POST, 2, Bytes.EMPTY, o, Bytes.EMPTY);
        // 60: d2 2f 0400; 258 (delta 198 = 13 + 0xb9): d1 b9 1a; 292 (delta 34 = 13 + 0x15): d2 15 abcd;
        // 2000 (delta 1708 = 269 + 0x059f): e0 05 9f
        assertThat(MessageEncoder.encode(m))
                .isEqualTo(hex("40 02 00 02 d2 2f 04 00 d1 b9 1a d2 15 ab cd e0 05 9f"));
    }

    @Test
    void encodesAtOffsetAndReturnsLength() {
        Message m = Message.empty(MessageType.CON, 0xbeef);
        byte[] target = new byte[10];
        assertThat(MessageEncoder.encode(m, target, 6)).isEqualTo(4);
        assertThat(target).isEqualTo(hex("00 00 00 00 00 00 40 00 be ef"));
    }

    @Test
    void targetTooSmallThrows() {
        Message m = new Message(MessageType.ACK, Code.CONTENT, 1, Bytes.EMPTY, Options.EMPTY, Bytes.utf8("abc"));
        assertThat(MessageEncoder.encodedSize(m)).isEqualTo(8);
        assertThatThrownBy(() -> MessageEncoder.encode(m, new byte[7], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8 bytes");
        assertThatThrownBy(() -> MessageEncoder.encode(m, new byte[10], 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageEncoder.encode(m, new byte[10], -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageEncoder.encode(m, new byte[10], 11))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(MessageEncoder.encode(m, new byte[10], 2)).isEqualTo(8);
    }

    @Test
    void longestEncodableOptionValue() {
        int max = 0xFFFF + 269;
        Message ok = new Message(MessageType.NON, Code.PUT, 1, Bytes.EMPTY,
                Options.of(new Option(1, Bytes.wrap(new byte[max]))), Bytes.EMPTY);
        byte[] wire = MessageEncoder.encode(ok);
        assertThat(wire).hasSize(4 + 3 + max);
        assertThat(MessageDecoder.decode(wire)).isEqualTo(ok);
        Message tooLong = new Message(MessageType.NON, Code.PUT, 1, Bytes.EMPTY,
                Options.of(new Option(1, Bytes.wrap(new byte[max + 1]))), Bytes.EMPTY);
        assertThatThrownBy(() -> MessageEncoder.encode(tooLong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too long");
    }
}
