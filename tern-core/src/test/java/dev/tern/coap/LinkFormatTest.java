package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LinkFormatTest {
    @Test
    void parsesTheRfc6690Section5Examples() {
        assertThat(LinkFormat.parse("</sensors>;ct=40")).containsExactly(
                Link.builder("/sensors").contentFormat(ContentFormat.LINK_FORMAT).build());

        List<Link> sensors = LinkFormat.parse("</sensors/temp>;rt=\"temperature-c\";if=\"sensor\",\n"
                + "</sensors/light>;rt=\"light-lux\";if=\"sensor\"");
        assertThat(sensors).extracting(Link::target).containsExactly("/sensors/temp", "/sensors/light");
        assertThat(sensors.get(0).resourceTypes()).containsExactly("temperature-c");
        assertThat(sensors.get(1).interfaceDescriptions()).containsExactly("sensor");

        List<Link> anchored = LinkFormat.parse("<http://www.example.com/sensors/t123>;anchor=\"/sensors/temp\"\n"
                + ";rel=\"describedby\",\n</t>;anchor=\"/sensors/temp\";rel=\"alternate\"");
        assertThat(anchored.get(0).target()).isEqualTo("http://www.example.com/sensors/t123");
        assertThat(anchored.get(0).anchor()).hasValue("/sensors/temp");
        assertThat(anchored.get(1).values("rel")).containsExactly("alternate");

        Link firmware = LinkFormat.parse("</firmware/v2.1>;rt=\"firmware\";sz=262144").get(0);
        assertThat(firmware.size()).hasValue(262144);
    }

    @Test
    void parsesTheRfc7252Section7Example() {
        List<Link> links = LinkFormat.parse("</sensors/temp>;ct=41;rt=\"temperature-c\";if=\"sensor\","
                + "</sensors/light>;ct=41;rt=\"light-lux\";if=\"sensor\"");
        assertThat(links).hasSize(2);
        assertThat(links.get(0).contentFormats()).containsExactly(41);
        assertThat(links.get(0).attributes()).extracting(Link.Attribute::name).containsExactly("ct", "rt", "if");
    }

    @Test
    void multiValuedAttributesAreSplitAtSpaces() {
        Link l = LinkFormat.parse("</link1>;rt=\"Type1  Type2\";if=If1;ct=\"0 41\";ct=50;title=\"a b\"").get(0);
        assertThat(l.resourceTypes()).containsExactly("Type1", "Type2");
        assertThat(l.interfaceDescriptions()).containsExactly("If1");
        assertThat(l.contentFormats()).containsExactly(0, 41, 50);
        assertThat(l.values("title")).containsExactly("a b");
    }

    @Test
    void quotedStringsMayHoldCommasSemicolonsAndEscapes() {
        List<Link> links = LinkFormat.parse("</a>;title=\"x, y; z\",</b>;title=\"say \\\"hi\\\" \\\\o/\"");
        assertThat(links).hasSize(2);
        assertThat(links.get(0).title()).hasValue("x, y; z");
        assertThat(links.get(1).title()).hasValue("say \"hi\" \\o/");
        assertThat(LinkFormat.parse(LinkFormat.format(links))).isEqualTo(links);
    }

    @Test
    void flagsTokensCaseAndWhitespace() {
        Link l = LinkFormat.parse("  </obs> ; OBS ; Rt = a/b:c ; sz=10 ;title*=UTF-8'de'n%c3%a4chstes \r\n").get(0);
        assertThat(l.isObservable()).isTrue();
        assertThat(l.attribute("obs")).hasValue("");
        assertThat(l.resourceTypes()).containsExactly("a/b:c");
        assertThat(l.attribute("title*")).hasValue("UTF-8'de'n%c3%a4chstes");
        assertThat(l.toString()).isEqualTo("</obs>;obs;rt=\"a/b:c\";sz=10;title*=UTF-8'de'n%c3%a4chstes");
    }

    @Test
    void emptyDocumentsHaveNoLinks() {
        assertThat(LinkFormat.parse("")).isEmpty();
        assertThat(LinkFormat.parse(" \n ")).isEmpty();
        assertThat(LinkFormat.format(List.of())).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/a>                  | 0",
        "</a                  | 3",
        "</a>,                | 5",
        "</a>,,</b>           | 5",
        "</a>;                | 5",
        "</a>;=1              | 5",
        "</a>;x=              | 7",
        "</a>;x=\"open        | 7",
        "</a> </b>            | 5",
        "</a>;x=1 2           | 9",
        "</a b>               | 3",
        "</a>;x=\"q\"y        | 10",
    })
    void malformedInputFailsWithThePosition(String text, int position) {
        assertThatThrownBy(() -> LinkFormat.parse(text))
                .isInstanceOfSatisfying(LinkFormatException.class, e -> assertThat(e.position()).isEqualTo(position))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("position " + position);
    }

    @Test
    void hugeInputIsParsedInLinearTime() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            sb.append(i == 0 ? "" : ",").append("</r").append(i).append(">;rt=\"t,;").append(i).append("\";obs");
        }
        long start = System.nanoTime();
        assertThat(LinkFormat.parse(sb.toString())).hasSize(50_000);
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
        String unterminated = "</a>;title=\"" + "x".repeat(1_000_000);
        assertThatThrownBy(() -> LinkFormat.parse(unterminated)).isInstanceOf(LinkFormatException.class);
    }

    @Test
    void formatQuotesWordsAndLeavesNumbersBare() {
        Link l = Link.builder("/temp").resourceType("temperature-c", "sensor").interfaceDescription("core.s")
                .contentFormat(0, 41).size(12).title("T").observable().attribute("X-Custom", "v").build();
        assertThat(LinkFormat.format(List.of(l, Link.of("/b")))).isEqualTo(
                "</temp>;rt=\"temperature-c sensor\";if=\"core.s\";ct=\"0 41\";sz=12;title=\"T\";obs;x-custom=\"v\",</b>");
    }

    @Test
    void invalidTargetsAndNamesAreRejected() {
        assertThatThrownBy(() -> Link.of("/a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Link.of("/a>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Link.builder("/a").attribute("a b", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Link.builder("/a").attribute("", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    private static final List<Link> PLUGTEST = LinkFormat.parse("</link1>;rt=\"Type1 Type2\";if=\"If1\","
            + "</link2>;rt=\"Type2 Type3\";if=\"If2\",</link3>;rt=\"Type1 Type3\";if=\"foo\","
            + "</path>;ct=40,</path/sub1>;ct=0;obs,</test>;sz=100");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "rt=Type1        | /link1 /link3",
        "rt=Type2        | /link1 /link2",
        "rt=Type*        | /link1 /link2 /link3",
        "rt=Type4        | ''",
        "if=If*          | /link1 /link2",
        "if=foo          | /link3",
        "href=/link*     | /link1 /link2 /link3",
        "href=/path      | /path",
        "href=/path*     | /path /path/sub1",
        "ct=40           | /path",
        "ct=0            | /path/sub1",
        "sz=100          | /test",
        "obs             | /path/sub1",
        "RT=Type3        | /link2 /link3",
        "rt=*            | /link1 /link2 /link3",
        "title=x         | ''",
        "''              | /link1 /link2 /link3 /path /path/sub1 /test",
    })
    void filtersByRfc6690Section41(String query, String expected) {
        List<String> targets = LinkFormat.filter(PLUGTEST, List.of(query)).stream().map(Link::target).toList();
        assertThat(String.join(" ", targets)).isEqualTo(expected);
    }

    @Test
    void severalQueriesMustAllMatch() {
        assertThat(LinkFormat.filter(PLUGTEST, List.of("rt=Type1", "if=foo"))).extracting(Link::target)
                .containsExactly("/link3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rt=Type", "rt=type1", "href=/link", "if=If1 If2"})
    void matchingIsExactWithoutStar(String query) {
        assertThat(LinkFormat.filter(PLUGTEST, List.of(query))).isEmpty();
    }
}
