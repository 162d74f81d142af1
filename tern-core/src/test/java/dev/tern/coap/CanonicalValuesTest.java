package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Decoded codes, types, methods, Content-Formats and option numbers are the canonical constants,
 * so {@code ==} (as Californium users write it) works on values read from the wire (issue 16).
 */
class CanonicalValuesTest {

    private static Message decode(String hex) {
        return (Message) MessageDecoder.decode(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    @Test
    void decodedResponseCodeIsTheConstant() {
        // ACK 4.04, MID 1, no token
        Message m = decode("60 84 00 01");
        assertThat(m.code() == Code.NOT_FOUND).isTrue();
        assertThat(m.type() == MessageType.ACK).isTrue();
        // ACK 2.05 with Content-Format 50 (application/json)
        Message content = decode("60 45 00 02 c1 32 ff 7b 7d");
        assertThat(content.code() == Code.CONTENT).isTrue();
        int format = content.options().contentFormat().orElseThrow();
        assertThat(format == ContentFormat.JSON).isTrue();
        assertThat(content.options().has(OptionNumber.CONTENT_FORMAT)).isTrue();
    }

    @Test
    void everyRegisteredConstantIsWhatDecodingReturns() throws IllegalAccessException {
        for (java.lang.reflect.Field f : Code.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == Code.class) {
                Code constant = (Code) f.get(null);
                assertThat(Code.fromWire(constant.wireValue())).as(f.getName()).isSameAs(constant);
                assertThat(Code.valueOf(constant.codeClass(), constant.detail())).as(f.getName()).isSameAs(constant);
                assertThat(Code.parse(constant.toString())).as(f.getName()).isSameAs(constant);
            }
        }
        for (Method m : Method.values()) {
            assertThat(Method.of(Code.fromWire(m.code().wireValue()))).containsSame(m);
        }
    }

    @Test
    void decodedRequestCodeMapsToTheMethodConstant() {
        Message m = decode("40 01 00 03 b5 68 65 6c 6c 6f"); // CON GET /hello
        assertThat(m.code() == Code.GET).isTrue();
        assertThat(Method.of(m.code()).orElseThrow() == Method.GET).isTrue();
        assertThat(m.type() == MessageType.CON).isTrue();
    }

    @Test
    void unregisteredCodesRoundTripAndCompareByValue() {
        Message m = decode("60 9f 00 04"); // ACK 4.31: not registered
        assertThat(m.code().toString()).isEqualTo("4.31");
        assertThat(m.code().reason()).isEmpty();
        assertThat(m.code()).isEqualTo(Code.valueOf(4, 31)).hasSameHashCodeAs(Code.valueOf(4, 31));
        assertThat(m.code()).isSameAs(Code.valueOf(4, 31));
        byte[] again = MessageEncoder.encode(m);
        assertThat(again[1] & 0xFF).isEqualTo(0x9f);
        assertThat(Code.valueOf(7, 31).wireValue()).isEqualTo(0xff);
        assertThatThrownBy(() -> Code.valueOf(8, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Code.valueOf(0, 32)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void codeHasNoPublicConstructor() {
        Constructor<?>[] publicOnes = Code.class.getConstructors();
        assertThat(publicOnes).as(Arrays.toString(publicOnes)).isEmpty();
        assertThat(Modifier.isFinal(Code.class.getModifiers())).isTrue();
    }
}
