package dev.tern.coap.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import org.junit.jupiter.api.Test;

class OptionValidatorTest {

    private static Option opt(int number, String hexValue) {
        return new Option(number, Bytes.fromHex(hexValue));
    }

    // --- firstBadCriticalOption ---

    @Test
    void acceptableOptionsPass() {
        Options o = Options.builder().add(OptionNumber.URI_HOST, "example.org").uriPath("/a/b").uriQuery("x=1")
                .accept(50).add(OptionNumber.ETAG, Bytes.fromHex("01")).add(Option.ofEmpty(1000)).build();
        assertThat(OptionValidator.firstBadCriticalOption(o)).isEmpty();
        assertThat(OptionValidator.firstBadCriticalOption(Options.EMPTY)).isEmpty();
    }

    @Test
    void unrecognizedCriticalOption() {
        Options o = Options.of(Option.ofString(OptionNumber.URI_PATH, "a"), Option.ofEmpty(9999));
        assertThat(OptionValidator.firstBadCriticalOption(o)).hasValue("unrecognized critical option 9999");
    }

    @Test
    void unrecognizedElectiveOptionIsNotCritical() {
        assertThat(OptionValidator.firstBadCriticalOption(Options.of(Option.ofEmpty(9998)))).isEmpty();
    }

    @Test
    void repeatedNonRepeatableCriticalOption() {
        Options o = Options.builder().add(OptionNumber.URI_HOST, "a").add(OptionNumber.URI_HOST, "b").build();
        assertThat(OptionValidator.firstBadCriticalOption(o)).hasValue("repeated option Uri-Host");
    }

    @Test
    void repeatedRepeatableCriticalOptionIsFine() {
        Options o = Options.builder().uriPath("/a/b/c").ifMatch(Bytes.fromHex("01")).ifMatch(Bytes.EMPTY).build();
        assertThat(OptionValidator.firstBadCriticalOption(o)).isEmpty();
    }

    @Test
    void repeatedElectiveOptionIsNotCritical() {
        Options o = Options.of(Option.ofUint(OptionNumber.CONTENT_FORMAT, 0),
                Option.ofUint(OptionNumber.CONTENT_FORMAT, 50));
        assertThat(OptionValidator.firstBadCriticalOption(o)).isEmpty();
    }

    @Test
    void criticalOptionTooLong() {
        Options o = Options.of(opt(OptionNumber.ACCEPT, "010203"));
        assertThat(OptionValidator.firstBadCriticalOption(o)).hasValue("option Accept length 3 out of range 0..2");
    }

    @Test
    void criticalOptionTooShort() {
        Options o = Options.of(Option.ofEmpty(OptionNumber.URI_HOST));
        assertThat(OptionValidator.firstBadCriticalOption(o)).hasValue("option Uri-Host length 0 out of range 1..255");
        Options ifNoneMatch = Options.of(opt(OptionNumber.IF_NONE_MATCH, "00"));
        assertThat(OptionValidator.firstBadCriticalOption(ifNoneMatch))
                .hasValue("option If-None-Match length 1 out of range 0..0");
    }

    @Test
    void reportsTheFirstBadOptionInWireOrder() {
        Options o = Options.of(Option.ofEmpty(9999), opt(OptionNumber.URI_PORT, "010203"));
        assertThat(OptionValidator.firstBadCriticalOption(o)).hasValue("option Uri-Port length 3 out of range 0..2");
    }

    @Test
    void electiveOptionWithBadLengthIsNotCritical() {
        Options o = Options.of(opt(OptionNumber.CONTENT_FORMAT, "010203"));
        assertThat(OptionValidator.firstBadCriticalOption(o)).isEmpty();
    }

    // --- withoutBadElectiveOptions ---

    @Test
    void nothingDroppedReturnsSameInstance() {
        Options o = Options.builder().uriPath("/a").contentFormat(0).add(Option.ofEmpty(9998)).build();
        assertThat(OptionValidator.withoutBadElectiveOptions(o)).isSameAs(o);
    }

    @Test
    void unknownElectiveOptionsAreKept() {
        Options o = Options.of(Option.ofEmpty(9998), opt(65534, "0102"), opt(65534, "03"));
        assertThat(OptionValidator.withoutBadElectiveOptions(o)).isEqualTo(o);
    }

    @Test
    void electiveOptionWithOutOfRangeLengthIsDropped() {
        Options o = Options.of(Option.ofString(OptionNumber.URI_PATH, "a"), opt(OptionNumber.MAX_AGE, "0102030405"),
                opt(OptionNumber.ETAG, ""), opt(OptionNumber.HOP_LIMIT, "0102"), Option.ofEmpty(9998));
        assertThat(OptionValidator.withoutBadElectiveOptions(o))
                .isEqualTo(Options.of(Option.ofString(OptionNumber.URI_PATH, "a"), Option.ofEmpty(9998)));
    }

    @Test
    void repeatedNonRepeatableElectiveKeepsOnlyTheFirst() {
        Options o = Options.of(Option.ofUint(OptionNumber.CONTENT_FORMAT, 0),
                Option.ofUint(OptionNumber.CONTENT_FORMAT, 50), Option.ofUint(OptionNumber.CONTENT_FORMAT, 60),
                Option.ofUint(OptionNumber.MAX_AGE, 10));
        assertThat(OptionValidator.withoutBadElectiveOptions(o)).isEqualTo(Options.of(
                Option.ofUint(OptionNumber.CONTENT_FORMAT, 0), Option.ofUint(OptionNumber.MAX_AGE, 10)));
    }

    @Test
    void repeatedFirstOccurrenceWithBadLengthDropsAll() {
        // the first occurrence is treated as unrecognized (§5.4.3), the second is still supernumerary (§5.4.5)
        Options o = Options.of(opt(OptionNumber.OBSERVE, "01020304"), Option.ofUint(OptionNumber.OBSERVE, 1));
        assertThat(OptionValidator.withoutBadElectiveOptions(o)).isEqualTo(Options.EMPTY);
    }

    @Test
    void repeatableElectiveOptionsAreKept() {
        Options o = Options.builder().etag(Bytes.fromHex("01")).add(OptionNumber.ETAG, Bytes.fromHex("02"))
                .locationPath("a").locationPath("b").build();
        assertThat(OptionValidator.withoutBadElectiveOptions(o)).isSameAs(o);
    }

    @Test
    void criticalOptionsAreLeftAlone() {
        Options o = Options.of(Option.ofEmpty(9999), opt(OptionNumber.ACCEPT, "010203"),
                opt(OptionNumber.ACCEPT, "01"));
        assertThat(OptionValidator.withoutBadElectiveOptions(o)).isSameAs(o);
    }

    // --- hasInvalidUtf8 ---

    @Test
    void validUtf8() {
        Options o = Options.builder().add(OptionNumber.URI_HOST, "bücher.example").uriPath("/日本/😀")
                .uriQuery("q=é").locationPath("ok").locationQuery("x=ß").build();
        assertThat(OptionValidator.hasInvalidUtf8(o)).isFalse();
        assertThat(OptionValidator.hasInvalidUtf8(Options.EMPTY)).isFalse();
    }

    @Test
    void invalidUtf8InEachCheckedOption() {
        int[] numbers = {OptionNumber.URI_HOST, OptionNumber.URI_PATH, OptionNumber.URI_QUERY,
            OptionNumber.LOCATION_PATH, OptionNumber.LOCATION_QUERY};
        for (int n : numbers) {
            assertThat(OptionValidator.hasInvalidUtf8(Options.of(opt(n, "61ff62")))).as("option %d", n).isTrue();
        }
    }

    @Test
    void strictRejections() {
        String[] bad = {
            "c0af", // overlong '/'
            "e080af", // overlong
            "eda080", // UTF-16 surrogate D800
            "c3", // truncated
            "80", // lone continuation byte
            "f4908080", // above U+10FFFF
            "f880808080", // 5-byte form
        };
        for (String b : bad) {
            Options o = Options.of(Option.ofString(OptionNumber.URI_PATH, "ok"), opt(OptionNumber.URI_PATH, b));
            assertThat(OptionValidator.hasInvalidUtf8(o)).as(b).isTrue();
        }
    }

    @Test
    void otherOptionsAreNotChecked() {
        Options o = Options.of(opt(OptionNumber.ETAG, "ff"), opt(OptionNumber.PROXY_URI, "ff"), opt(9998, "c0af"));
        assertThat(OptionValidator.hasInvalidUtf8(o)).isFalse();
    }
}
