package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CoapUriTest {

    private static Options opts(Option... options) {
        return Options.of(options);
    }

    private static Option host(String h) {
        return Option.ofString(OptionNumber.URI_HOST, h);
    }

    private static Option port(int p) {
        return Option.ofUint(OptionNumber.URI_PORT, p);
    }

    private static Option path(String s) {
        return Option.ofString(OptionNumber.URI_PATH, s);
    }

    private static Option query(String s) {
        return Option.ofString(OptionNumber.URI_QUERY, s);
    }

    @Nested
    class Normalization {
        /** RFC 7252 §6.3: these three URIs are equivalent. */
        @ParameterizedTest
        @ValueSource(strings = {
            "coap://example.com:5683/~sensors/temp.xml",
            "coap://EXAMPLE.com/%7Esensors/temp.xml",
            "coap://EXAMPLE.com:/%7esensors/temp.xml",
        })
        void rfc7252Section63ExamplesAreEquivalent(String text) {
            CoapUri uri = CoapUri.parse(text);
            assertThat(uri.toOptions()).isEqualTo(opts(host("example.com"), path("~sensors"), path("temp.xml")));
            assertThat(uri).isEqualTo(CoapUri.parse("coap://example.com/~sensors/temp.xml"));
            assertThat(uri.hashCode()).isEqualTo(CoapUri.parse("coap://example.com/~sensors/temp.xml").hashCode());
            assertThat(uri.toString()).isEqualTo("coap://example.com/~sensors/temp.xml");
        }

        @Test
        void schemeIsCaseInsensitive() {
            CoapUri uri = CoapUri.parse("CoAPs://h/x");
            assertThat(uri.scheme()).isEqualTo("coaps");
            assertThat(uri.isSecure()).isTrue();
            assertThat(uri.toString()).isEqualTo("coaps://h/x");
        }
    }

    @Nested
    class Schemes {
        @ParameterizedTest
        @CsvSource({
            "coap://h, coap, 5683, false",
            "coaps://h, coaps, 5684, true",
            "coap+tcp://h, coap+tcp, 5683, false",
            "coaps+tcp://h, coaps+tcp, 5684, true",
            "coap+ws://h, coap+ws, 80, false",
            "coaps+ws://h, coaps+ws, 443, true",
            "COAP+TCP://h, coap+tcp, 5683, false",
        })
        void defaultPorts(String text, String scheme, int port, boolean secure) {
            CoapUri uri = CoapUri.parse(text);
            assertThat(uri.scheme()).isEqualTo(scheme);
            assertThat(uri.port()).isEqualTo(port);
            assertThat(uri.isSecure()).isEqualTo(secure);
            assertThat(uri.toOptions().has(OptionNumber.URI_PORT)).isFalse();
            assertThat(CoapUri.defaultPort(scheme)).isEqualTo(port);
        }

        @Test
        void defaultPortOfOtherSchemeIsRejected() {
            assertThatThrownBy(() -> CoapUri.defaultPort("http")).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void explicitDefaultPortIsNotSent() {
            assertThat(CoapUri.parse("coaps://h:5684/").toOptions()).isEqualTo(opts(host("h")));
            assertThat(CoapUri.parse("coaps://h:5684/").toString()).isEqualTo("coaps://h/");
        }

        @Test
        void coapPortOnCoapsIsNotDefault() {
            CoapUri uri = CoapUri.parse("coaps://h:5683");
            assertThat(uri.port()).isEqualTo(5683);
            assertThat(uri.toOptions().has(OptionNumber.URI_PORT)).isFalse(); // §6.4: destination port is the URI's
            assertThat(uri.toString()).isEqualTo("coaps://h:5683/");
        }
    }

    @Nested
    class Hosts {
        @Test
        void ipv6Loopback() {
            CoapUri uri = CoapUri.parse("coap://[::1]/hello");
            assertThat(uri.host()).isEqualTo("::1");
            assertThat(uri.hostIsLiteral()).isTrue();
            assertThat(uri.port()).isEqualTo(5683);
            assertThat(uri.path()).containsExactly("hello");
            assertThat(uri.toOptions()).isEqualTo(opts(path("hello")));
            assertThat(uri.toString()).isEqualTo("coap://[::1]/hello");
        }

        @Test
        void ipv6WithPort() {
            CoapUri uri = CoapUri.parse("coap://[2001:DB8::1]:61616/x");
            assertThat(uri.host()).isEqualTo("2001:db8::1");
            assertThat(uri.port()).isEqualTo(61616);
            assertThat(uri.toOptions()).isEqualTo(opts(path("x")));
            assertThat(uri.toString()).isEqualTo("coap://[2001:db8::1]:61616/x");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "::", "::1", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
            "fe80::1:2", "::ffff:192.0.2.1", "1:2:3:4:5:6:192.0.2.1", "ABCD:ef01::",
        })
        void validIpv6Literals(String address) {
            CoapUri uri = CoapUri.parse("coap://[" + address + "]/");
            assertThat(uri.hostIsLiteral()).isTrue();
            assertThat(uri.host()).isEqualTo(address.toLowerCase(java.util.Locale.ROOT));
            assertThat(CoapUri.parse(uri.toString())).isEqualTo(uri);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "", ":", ":::", "1:::2", "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8::", "::1.2.3", "::256.0.0.1", "1.2.3.4::", ":1::", "1::2:",
        })
        void invalidIpv6LiteralsAreRejected(String address) {
            assertThatThrownBy(() -> CoapUri.parse("coap://[" + address + "]/"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("IPv6");
        }

        @Test
        void ipv6ZoneIdentifier() {
            CoapUri uri = CoapUri.parse("coap://[fe80::1%25eth0]:1234/a");
            assertThat(uri.host()).isEqualTo("fe80::1%eth0");
            assertThat(uri.hostIsLiteral()).isTrue();
            assertThat(uri.toString()).isEqualTo("coap://[fe80::1%25eth0]:1234/a");
            assertThat(CoapUri.parse(uri.toString())).isEqualTo(uri);
            assertThat(uri.toOptions()).isEqualTo(opts(path("a")));
        }

        @ParameterizedTest
        @ValueSource(strings = {"coap://[fe80::1%eth0]/", "coap://[fe80::1%25]/", "coap://[fe80::1%25e/0]/"})
        void malformedZoneIdentifierIsRejected(String text) {
            assertThatThrownBy(() -> CoapUri.parse(text)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void ipv4LiteralOmitsUriHost() {
            CoapUri uri = CoapUri.parse("coap://192.0.2.1/s");
            assertThat(uri.host()).isEqualTo("192.0.2.1");
            assertThat(uri.hostIsLiteral()).isTrue();
            assertThat(uri.toOptions()).isEqualTo(opts(path("s")));
        }

        @Test
        void nonIpv4DottedNumbersAreARegisteredName() {
            CoapUri uri = CoapUri.parse("coap://192.0.2.256/");
            assertThat(uri.hostIsLiteral()).isFalse();
            assertThat(uri.toOptions().uriHost()).hasValue("192.0.2.256");
        }

        @Test
        void regNameEmitsLowerCaseUriHost() {
            CoapUri uri = CoapUri.parse("coap://Sensor-1.Example.ORG/");
            assertThat(uri.host()).isEqualTo("sensor-1.example.org");
            assertThat(uri.hostIsLiteral()).isFalse();
            assertThat(uri.toOptions()).isEqualTo(opts(host("sensor-1.example.org")));
        }

        @Test
        void percentEncodedRegNameIsDecoded() {
            CoapUri uri = CoapUri.parse("coap://caf%C3%A9.example/");
            assertThat(uri.host()).isEqualTo("café.example");
            assertThat(uri.toOptions().uriHost()).hasValue("café.example");
            assertThat(uri.toString()).isEqualTo("coap://caf%C3%A9.example/");
        }

        @Test
        void hostCaseIsLoweredBeforeDecoding() {
            // RFC 7252 §6.4 step 5: ASCII lowercase, then decode; %C3%89 is 'É' and keeps its case.
            assertThat(CoapUri.parse("coap://A%C3%89/").host()).isEqualTo("aÉ");
        }

        @Test
        void subDelimInZoneIdentifierStaysEncoded() {
            // found by UriFuzzTest: RFC 6874 ZoneID allows no sub-delims, so '!' must print as %21
            CoapUri uri = CoapUri.parse("coap://[fe80::1%25e%21t]/");
            assertThat(uri.toString()).isEqualTo("coap://[fe80::1%25e%21t]/");
            assertThat(CoapUri.parse(uri.toString())).isEqualTo(uri);
        }

        @Test
        void upperCaseLetterFromPercentEncodingSurvivesPrinting() {
            // found by UriFuzzTest: %50 decodes to 'P' after lower-casing; printed literally it would
            // be lower-cased when parsed again
            CoapUri uri = CoapUri.parse("coap://ex%50am/");
            assertThat(uri.host()).isEqualTo("exPam");
            assertThat(uri.toString()).isEqualTo("coap://ex%50am/");
            assertThat(CoapUri.parse(uri.toString())).isEqualTo(uri);
        }

        @ParameterizedTest
        @ValueSource(strings = {"coap:///path", "coap://:5683/", "coap://?q", "coap://", "coap://[]/"})
        void missingHostIsRejected(String text) {
            assertThatThrownBy(() -> CoapUri.parse(text)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageMatching(".*(missing host|IPv6).*");
        }

        @Test
        void userInfoIsRejected() {
            assertThatThrownBy(() -> CoapUri.parse("coap://user@h/"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("user information");
        }

        @Test
        void ipvFutureIsRejected() {
            assertThatThrownBy(() -> CoapUri.parse("coap://[v1.x]/"))
                    .hasMessageContaining("IPvFuture");
        }

        @ParameterizedTest
        @ValueSource(strings = {"coap://2001:db8::1/", "coap://::1/", "coap://fe80::1:5683/"})
        void unbracketedIpv6IsRejected(String text) {
            assertThatThrownBy(() -> CoapUri.parse(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("enclosed in brackets");
        }

        @Test
        void hostLongerThanUriHostIsRejected() {
            String longHost = "a".repeat(256);
            assertThatThrownBy(() -> CoapUri.parse("coap://" + longHost + "/"))
                    .hasMessageContaining("at most 255");
        }
    }

    @Nested
    class Ports {
        @Test
        void portIsTheDestinationNotAnOption() {
            // RFC 7252 §6.4 step 6: Uri-Port only when the port differs from the destination port,
            // and the client sends to the URI's own port.
            CoapUri uri = CoapUri.parse("coap://example.com:61616/a");
            assertThat(uri.port()).isEqualTo(61616);
            assertThat(uri.toOptions()).isEqualTo(opts(host("example.com"), path("a")));
        }

        @ParameterizedTest
        @CsvSource({"0, 0", "1, 1", "65535, 65535", "005683, 5683", "0000000080, 80"})
        void validPorts(String text, int expected) {
            assertThat(CoapUri.parse("coap://h:" + text + "/").port()).isEqualTo(expected);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "coap://h:70000/ | out of range",
            "coap://h:65536/ | out of range",
            "coap://h:99999999999999999999/ | out of range",
            "coap://h:abc/ | not a decimal number",
            "coap://h:56a3/ | not a decimal number",
            "coap://h:-1/ | not a decimal number",
            "coap://h:1:2/ | more than one ':'",
            "coap://[::1]x/ | after the IPv6 literal",
        })
        void badPortsAreRejected(String text, String message) {
            assertThatThrownBy(() -> CoapUri.parse(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(message);
        }
    }

    @Nested
    class Paths {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "coap://h              | ''",
            "coap://h/             | ''",
            "coap://h?x            | ''",
            "coap://h/a            | a",
            "coap://h/a/           | a,<empty>",
            "coap://h/a/b/         | a,b,<empty>",
            "coap://h//            | <empty>,<empty>",
            "coap://h//a           | <empty>,a",
            "coap://h/a//b         | a,<empty>,b",
            "coap://h/.            | ''",
            "coap://h/..           | ''",
            "coap://h/./           | ''",
            "coap://h/a/./b/../c   | a,c",
            "coap://h/a/b/..       | a,<empty>",
            "coap://h/a/b/.        | a,b,<empty>",
            "coap://h/../../a      | a",
            "coap://h/a/..b/c.     | a,..b,c.",
            "coap://h/%2E%2E/x     | ..,x",
        })
        void segments(String text, String expected) {
            List<String> segments = expected.isEmpty() ? List.of()
                    : Stream.of(expected.split(",")).map(s -> s.equals("<empty>") ? "" : s).toList();
            CoapUri uri = CoapUri.parse(text);
            assertThat(uri.path()).isEqualTo(segments);
            assertThat(uri.toOptions().uriPath()).isEqualTo(segments);
            assertThat(CoapUri.parse(uri.toString())).isEqualTo(uri);
        }

        @Test
        void emptyPathAndSlashAreEquivalent() {
            assertThat(CoapUri.parse("coap://h")).isEqualTo(CoapUri.parse("coap://h/"));
            assertThat(CoapUri.parse("coap://h").toString()).isEqualTo("coap://h/");
            assertThat(CoapUri.parse("coap://192.0.2.1").toOptions()).isEqualTo(Options.EMPTY);
        }

        @Test
        void trailingSlashIsKept() {
            CoapUri uri = CoapUri.parse("coap://h/a/");
            assertThat(uri.toString()).isEqualTo("coap://h/a/");
            assertThat(uri).isNotEqualTo(CoapUri.parse("coap://h/a"));
        }

        @Test
        void utf8RoundTrip() {
            CoapUri uri = CoapUri.parse("coap://h/caf%C3%A9/%F0%9F%90%A6");
            assertThat(uri.path()).containsExactly("café", "\uD83D\uDC26");
            assertThat(uri.toString()).isEqualTo("coap://h/caf%C3%A9/%F0%9F%90%A6");
        }

        @Test
        void lowerCaseHexIsNormalised() {
            assertThat(CoapUri.parse("coap://h/caf%c3%a9").toString()).isEqualTo("coap://h/caf%C3%A9");
        }

        @Test
        void spaces() {
            CoapUri uri = CoapUri.parse("coap://h/a%20b");
            assertThat(uri.path()).containsExactly("a b");
            assertThat(uri.toString()).isEqualTo("coap://h/a%20b");
        }

        @Test
        void encodedSlashStaysInsideTheSegment() {
            CoapUri uri = CoapUri.parse("coap://h/a%2Fb/c");
            assertThat(uri.path()).containsExactly("a/b", "c");
            assertThat(uri.toOptions().uriPath()).containsExactly("a/b", "c");
            assertThat(uri.toString()).isEqualTo("coap://h/a%2Fb/c");
        }

        @Test
        void allowedCharactersAreNotEncoded() {
            String text = "coap://h/azAZ09-._~!$&'()*+,;=:@";
            CoapUri uri = CoapUri.parse(text);
            assertThat(uri.path()).containsExactly("azAZ09-._~!$&'()*+,;=:@");
            assertThat(uri.toString()).isEqualTo(text);
        }

        @Test
        void unreservedPercentEncodingsAreDecoded() {
            assertThat(CoapUri.parse("coap://h/%41%2D%5F").toString()).isEqualTo("coap://h/A-_");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "coap://h/a b      | illegal character ' '",
            "coap://h/a\"b     | illegal character '\"'",
            "coap://h/café     | illegal character 'é'",
            "coap://h/a[b      | illegal character '['",
            "coap://h/%        | malformed percent-encoding '%'",
            "coap://h/%4       | malformed percent-encoding '%4'",
            "coap://h/%zz      | malformed percent-encoding '%zz'",
            "coap://h/%FF      | not valid UTF-8",
            "coap://h/%C3      | not valid UTF-8",
        })
        void invalidPathsAreRejected(String text, String message) {
            assertThatThrownBy(() -> CoapUri.parse(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(message);
        }

        @Test
        void segmentLongerThanAnOptionIsRejected() {
            assertThatThrownBy(() -> CoapUri.parse("coap://h/" + "x".repeat(256)))
                    .hasMessageContaining("path segment is 256 bytes");
            assertThat(CoapUri.parse("coap://h/" + "x".repeat(255)).path().get(0)).hasSize(255);
        }

        @Test
        void pathListIsUnmodifiable() {
            assertThatThrownBy(() -> CoapUri.parse("coap://h/a").path().add("b"))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Nested
    class Queries {
        @Test
        void severalArguments() {
            CoapUri uri = CoapUri.parse("coap://h/p?a=1&b=x=y&flag");
            assertThat(uri.query()).containsExactly("a=1", "b=x=y", "flag");
            assertThat(uri.toOptions()).isEqualTo(opts(host("h"), path("p"), query("a=1"), query("b=x=y"), query("flag")));
            assertThat(uri.toString()).isEqualTo("coap://h/p?a=1&b=x=y&flag");
        }

        @Test
        void bareQuestionMarkYieldsNoUriQuery() {
            CoapUri uri = CoapUri.parse("coap://h/p?");
            assertThat(uri.query()).isEmpty();
            assertThat(uri).isEqualTo(CoapUri.parse("coap://h/p"));
            assertThat(uri.toString()).isEqualTo("coap://h/p");
        }

        @Test
        void emptyArgumentsInsideANonEmptyQueryAreKept() {
            assertThat(CoapUri.parse("coap://h/?a&&b&").query()).containsExactly("a", "", "b", "");
        }

        @Test
        void encodedAmpersandStaysInsideTheArgument() {
            CoapUri uri = CoapUri.parse("coap://h/?q=a%26b&r");
            assertThat(uri.query()).containsExactly("q=a&b", "r");
            assertThat(uri.toString()).isEqualTo("coap://h/?q=a%26b&r");
        }

        @Test
        void slashAndQuestionMarkAreAllowedInTheQuery() {
            CoapUri uri = CoapUri.parse("coap://h?u=/a/b?c&x=%2F");
            assertThat(uri.path()).isEmpty();
            assertThat(uri.query()).containsExactly("u=/a/b?c", "x=/");
            assertThat(uri.toString()).isEqualTo("coap://h/?u=/a/b?c&x=/");
        }

        @Test
        void utf8AndSpacesInQuery() {
            CoapUri uri = CoapUri.parse("coap://h/?name=Jos%C3%A9%20Q");
            assertThat(uri.query()).containsExactly("name=José Q");
            assertThat(uri.toString()).isEqualTo("coap://h/?name=Jos%C3%A9%20Q");
        }

        @Test
        void dotSegmentsAreNotRemovedFromTheQuery() {
            assertThat(CoapUri.parse("coap://h/a/..?x/../y").query()).containsExactly("x/../y");
        }

        @ParameterizedTest
        @ValueSource(strings = {"coap://h/?a b", "coap://h/?a=[1]", "coap://h/?%G0"})
        void invalidQueriesAreRejected(String text) {
            assertThatThrownBy(() -> CoapUri.parse(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("query argument");
        }
    }

    @Nested
    class Rejections {
        @ParameterizedTest
        @ValueSource(strings = {"coap://h/p#frag", "coap://h/p#", "coap://h#x", "coap://h/p?q#x"})
        void fragmentIsRejected(String text) {
            assertThatThrownBy(() -> CoapUri.parse(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("fragment");
        }

        @ParameterizedTest
        @ValueSource(strings = {"http://h/", "coap+udp://h/", "coapx://h/", "urn:coap", "mailto:a@b"})
        void unknownSchemeIsRejected(String text) {
            assertThatThrownBy(() -> CoapUri.parse(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unsupported scheme");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "/just/a/path       | missing scheme",
            "h/p                | missing scheme",
            "''                 | missing scheme",
            ":foo               | malformed scheme",
            "1coap://h          | malformed scheme",
            "coap:/h/p          | missing authority",
            "coap:h             | missing authority",
            "coap:              | missing authority",
        })
        void notAnAbsoluteCoapUri(String text, String message) {
            assertThatThrownBy(() -> CoapUri.parse(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(message);
        }

        @Test
        void messageQuotesTheInput() {
            assertThatThrownBy(() -> CoapUri.parse("coap://h:70000/"))
                    .hasMessage("invalid CoAP URI \"coap://h:70000/\": port 70000 is out of range 0-65535");
        }
    }

    @Nested
    class Composition {
        static Stream<Arguments> optionCombinations() {
            return Stream.of(
                    Arguments.of("coap", "192.0.2.1", 5683, opts(), "coap://192.0.2.1/"),
                    Arguments.of("coap", "192.0.2.1", 5683, opts(path("a"), path("b")), "coap://192.0.2.1/a/b"),
                    Arguments.of("coap", "192.0.2.1", 5683, opts(host("Example.com")), "coap://example.com/"),
                    Arguments.of("coap", "192.0.2.1", 5683, opts(host("example.com"), port(61616)),
                            "coap://example.com:61616/"),
                    Arguments.of("coaps", "::1", 5684, opts(path("x")), "coaps://[::1]/x"),
                    Arguments.of("coaps", "[2001:db8::1]", 5683, opts(path("x")), "coaps://[2001:db8::1]:5683/x"),
                    Arguments.of("coap", "fe80::1%eth0", 5683, opts(), "coap://[fe80::1%25eth0]/"),
                    Arguments.of("coap", "h", 5683, opts(path("a b"), path("c/d"), path("é")),
                            "coap://h/a%20b/c%2Fd/%C3%A9"),
                    Arguments.of("coap", "h", 5683, opts(path("a"), path("")), "coap://h/a/"),
                    Arguments.of("coap", "h", 5683, opts(path(""), path("a")), "coap://h//a"),
                    Arguments.of("coap", "h", 5683, opts(path("."), path("..")), "coap://h/%2E/%2E%2E"),
                    Arguments.of("coap", "h", 5683, opts(path("?#[]%")), "coap://h/%3F%23%5B%5D%25"),
                    Arguments.of("coap", "h", 5683, opts(query("a=1"), query("b&c"), query("u=/x?y")),
                            "coap://h/?a=1&b%26c&u=/x?y"),
                    Arguments.of("coap", "h", 5683, opts(query(""), query("#")), "coap://h/?&%23"),
                    Arguments.of("coap", "h", 5683, opts(host("a:b c")), "coap://a%3Ab%20c/"),
                    Arguments.of("coap+tcp", "h", 5683, opts(port(5684)), "coap+tcp://h:5684/"),
                    Arguments.of("COAPS+WS", "h", 443, opts(path("ws")), "coaps+ws://h/ws"));
        }

        @ParameterizedTest
        @MethodSource("optionCombinations")
        void composeAndRoundTrip(String scheme, String host, int port, Options options, String expected) {
            CoapUri composed = CoapUri.of(scheme, host, port, options);
            assertThat(composed.toString()).isEqualTo(expected);
            CoapUri reparsed = CoapUri.parse(composed.toString());
            assertThat(reparsed).isEqualTo(composed);
            assertThat(reparsed.toString()).isEqualTo(expected);
            assertThat(reparsed.toOptions().uriPath()).isEqualTo(options.uriPath());
            assertThat(reparsed.toOptions().uriQuery()).isEqualTo(options.uriQuery());
        }

        @Test
        void optionsRoundTripThroughParse() {
            Options options = opts(host("example.com"), port(1234), path("a"), path("b c"), query("x=1&2"));
            CoapUri uri = CoapUri.of("coap", "192.0.2.1", 5683, options);
            CoapUri parsed = CoapUri.parse(uri.toString());
            assertThat(parsed.port()).isEqualTo(1234);
            assertThat(parsed.toOptions()).isEqualTo(opts(host("example.com"), path("a"), path("b c"), query("x=1&2")));
        }

        @Test
        void singleEmptySegmentCollapsesToSlash() {
            // Documented limitation: "/" parses back to no Uri-Path.
            CoapUri uri = CoapUri.of("coap", "h", 5683, opts(path("")));
            assertThat(uri.path()).containsExactly("");
            assertThat(uri.toString()).isEqualTo("coap://h/");
            assertThat(CoapUri.parse(uri.toString()).path()).isEmpty();
        }

        @Test
        void otherOptionsAreIgnored() {
            Options options = Options.builder().contentFormat(50).uriPath("/a/b").observe(0).build();
            assertThat(CoapUri.of("coap", "h", 5683, options).toString()).isEqualTo("coap://h/a/b");
        }

        @Test
        void invalidArgumentsAreRejected() {
            assertThatThrownBy(() -> CoapUri.of("http", "h", 80, Options.EMPTY))
                    .hasMessageContaining("unsupported scheme");
            assertThatThrownBy(() -> CoapUri.of("coap", "", 5683, Options.EMPTY)).hasMessageContaining("empty host");
            assertThatThrownBy(() -> CoapUri.of("coap", "h", 70000, Options.EMPTY)).hasMessageContaining("out of range");
            assertThatThrownBy(() -> CoapUri.of("coap", "h", -1, Options.EMPTY)).hasMessageContaining("out of range");
        }

        @Test
        void pathAndQuery() {
            assertThat(CoapUri.pathAndQuery(Options.EMPTY)).isEqualTo("/");
            assertThat(CoapUri.pathAndQuery(opts(query("x=1")))).isEqualTo("/?x=1");
            assertThat(CoapUri.pathAndQuery(opts(path("a"), path("b"), query("x=1"), query("y"))))
                    .isEqualTo("/a/b?x=1&y");
            assertThat(CoapUri.pathAndQuery(opts(path("a/b"), path("c d"), query("k=a&b"))))
                    .isEqualTo("/a%2Fb/c%20d?k=a%26b");
        }

        @Test
        void addToReplacesExistingUriOptionsOnly() {
            Options.Builder builder = Options.builder()
                    .uriPath("/old").uriQuery("old").add(OptionNumber.URI_HOST, "old").contentFormat(0);
            Options options = CoapUri.parse("coap://new:1/n?q").addTo(builder).build();
            assertThat(options).isEqualTo(opts(host("new"), path("n"),
                    Option.ofUint(OptionNumber.CONTENT_FORMAT, 0), query("q")));
        }
    }

    @Nested
    class Resolution {
        private final CoapUri base = CoapUri.parse("coap://h:1234/a/b/c?q=1");

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "/x/y          | coap://h:1234/x/y",
            "/             | coap://h:1234/",
            "d             | coap://h:1234/a/b/d",
            "d/            | coap://h:1234/a/b/d/",
            "./d           | coap://h:1234/a/b/d",
            "../d          | coap://h:1234/a/d",
            "../../../../d | coap://h:1234/d",
            ".             | coap://h:1234/a/b/",
            "..            | coap://h:1234/a/",
            "?x=2&y        | coap://h:1234/a/b/c?x=2&y",
            "d?x           | coap://h:1234/a/b/d?x",
            "/x?%26        | coap://h:1234/x?%26",
            "''            | coap://h:1234/a/b/c?q=1",
            "//other/p     | coap://other/p",
            "coaps://z/w   | coaps://z/w",
            "COAP://Z      | coap://z/",
            "d%20e         | coap://h:1234/a/b/d%20e",
        })
        void references(String reference, String expected) {
            assertThat(base.resolve(reference).toString()).isEqualTo(expected);
        }

        @Test
        void resolveAgainstEmptyPath() {
            assertThat(CoapUri.parse("coap://h").resolve("x").toString()).isEqualTo("coap://h/x");
            assertThat(CoapUri.parse("coaps://[::1]").resolve("x").toString()).isEqualTo("coaps://[::1]/x");
        }

        @Test
        void resolveKeepsEncodedSegmentsOfTheBase() {
            CoapUri b = CoapUri.parse("coap://h/a%2Fb/c");
            assertThat(b.resolve("d").path()).containsExactly("a/b", "d");
        }

        @Test
        void invalidReferencesAreRejected() {
            assertThatThrownBy(() -> base.resolve("d#f")).hasMessageContaining("fragment");
            assertThatThrownBy(() -> base.resolve("http://x/")).hasMessageContaining("unsupported scheme");
            assertThatThrownBy(() -> base.resolve("a b")).hasMessageContaining("illegal character");
        }

        @Test
        void locationOptions() {
            Options created = Options.builder().locationPath("r").locationPath("42").locationQuery("v=1").build();
            assertThat(base.resolveLocation(created).toString()).isEqualTo("coap://h:1234/r/42?v=1");
            Options queryOnly = Options.builder().locationQuery("v=2").build();
            assertThat(base.resolveLocation(queryOnly).toString()).isEqualTo("coap://h:1234/a/b/c?v=2");
            assertThat(base.resolveLocation(Options.EMPTY)).isSameAs(base);
        }
    }

    @Test
    void equalityIsByComponents() {
        CoapUri a = CoapUri.parse("coap://h/a?b");
        assertThat(a).isEqualTo(CoapUri.parse("COAP://H:5683/a?b")).isNotEqualTo(CoapUri.parse("coaps://h/a?b"))
                .isNotEqualTo(CoapUri.parse("coap://h:1/a?b")).isNotEqualTo(CoapUri.parse("coap://h/a?c"))
                .isNotEqualTo(CoapUri.parse("coap://h/a/?b")).isNotEqualTo(CoapUri.parse("coap://g/a?b"))
                .isNotEqualTo(null).isNotEqualTo("coap://h/a?b");
        assertThat(a.hashCode()).isEqualTo(CoapUri.parse("COAP://H:5683/a?b").hashCode());
    }
}
