package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class OptionArgumentTest {
    @Test
    void stringOptionTakesText() {
        assertThat(OptionArgument.parse("15,a=1")).isEqualTo(Option.ofString(OptionNumber.URI_QUERY, "a=1"));
    }

    @Test
    void valueMayContainCommas() {
        assertThat(OptionArgument.parse("15,a=1,2").stringValue()).isEqualTo("a=1,2");
    }

    @Test
    void uintOptionTakesDecimal() {
        Option o = OptionArgument.parse("14,300");
        assertThat(o.number()).isEqualTo(OptionNumber.MAX_AGE);
        assertThat(o.value()).isEqualTo(Bytes.of((byte) 0x01, (byte) 0x2c));
        assertThat(OptionArgument.parse("12,0").value()).isEqualTo(Bytes.EMPTY);
    }

    @Test
    void hexValueIsRawBytes() {
        assertThat(OptionArgument.parse("4,0xcafe")).isEqualTo(new Option(OptionNumber.ETAG, Bytes.fromHex("cafe")));
        assertThat(OptionArgument.parse("14,0X0A").value()).isEqualTo(Bytes.of((byte) 10));
    }

    @Test
    void opaqueOptionWithoutHexIsUtf8() {
        assertThat(OptionArgument.parse("4,abc").value()).isEqualTo(Bytes.utf8("abc"));
    }

    @Test
    void noValueIsEmpty() {
        assertThat(OptionArgument.parse("5")).isEqualTo(Option.ofEmpty(OptionNumber.IF_NONE_MATCH));
        assertThat(OptionArgument.parse("5,")).isEqualTo(Option.ofEmpty(OptionNumber.IF_NONE_MATCH));
    }

    @Test
    void namesWorkCaseInsensitively() {
        assertThat(OptionArgument.parse("if-none-match").number()).isEqualTo(OptionNumber.IF_NONE_MATCH);
        assertThat(OptionArgument.parse("Uri-Query,x").number()).isEqualTo(OptionNumber.URI_QUERY);
    }

    @Test
    void unknownNumbersAreOpaque() {
        assertThat(OptionArgument.parse("65000,hi")).isEqualTo(new Option(65000, Bytes.utf8("hi")));
    }

    @Test
    void mistakesAreRejected() {
        assertThatThrownBy(() -> OptionArgument.parse("")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> OptionArgument.parse(",x")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> OptionArgument.parse("70000,x")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> OptionArgument.parse("99999999999999,x")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> OptionArgument.parse("no-such-option,x")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> OptionArgument.parse("14,abc")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> OptionArgument.parse("14,-1")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> OptionArgument.parse("4,0xzz")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> OptionArgument.parse("4,0xabc")).isInstanceOf(TypeConversionException.class);
    }
}
