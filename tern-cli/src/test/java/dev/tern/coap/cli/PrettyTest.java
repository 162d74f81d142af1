package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrettyTest {
    @Test
    void indentsJson() {
        assertThat(Pretty.json("{\"a\":1,\"b\":[true, null],\"c\":{},\"d\":[ ]}")).isEqualTo(
                "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null\n  ],\n  \"c\": {},\n  \"d\": []\n}");
    }

    @Test
    void keepsStringsIntact() {
        assertThat(Pretty.json("{\"k,{:}\":\"v \\\" ]\"}")).isEqualTo("{\n  \"k,{:}\": \"v \\\" ]\"\n}");
    }

    @Test
    void leavesNonJsonAlone() {
        assertThat(Pretty.json("hello")).isEqualTo("hello");
        assertThat(Pretty.json("{\"a\":1")).isEqualTo("{\"a\":1");
        assertThat(Pretty.json("{\"a\":1}}")).isEqualTo("{\"a\":1}}");
        assertThat(Pretty.json("{\"a\":\"x}")).isEqualTo("{\"a\":\"x}");
        assertThat(Pretty.json("42")).isEqualTo("42");
    }

    @Test
    void linkFormatOnePerLine() {
        String doc = "</sensors/temp>;rt=\"temperature-c\";if=\"sensor\",</a,b>;title=\"x, y\",</c>";
        assertThat(Pretty.links(doc)).containsExactly(
                "</sensors/temp>;rt=\"temperature-c\";if=\"sensor\"", "</a,b>;title=\"x, y\"", "</c>");
        assertThat(Pretty.linkFormat(doc)).isEqualTo(
                "</sensors/temp>;rt=\"temperature-c\";if=\"sensor\",\n</a,b>;title=\"x, y\",\n</c>");
        assertThat(Pretty.linkFormat("")).isEmpty();
    }
}
