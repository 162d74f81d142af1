package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapServer;
import dev.tern.coap.Link;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code tern discover} against real servers over UDP on the loopback interface. */
class DiscoverCommandTest {
    private static CoapServer plugtest;
    private static CoapServer bare;

    @BeforeAll
    static void start() {
        plugtest = CoapServer.builder().port(0).bind("127.0.0.1").service(PlugtestResources.router()).build().start();
        bare = CoapServer.builder().port(0).bind("127.0.0.1")
                .service(Router.builder().get("/x", req -> Response.content("x")).wellKnownCore(false).build())
                .build().start();
    }

    @AfterAll
    static void stop() {
        if (plugtest != null) {
            plugtest.close();
        }
        if (bare != null) {
            bare.close();
        }
    }

    private static String plugtest() {
        return "coap://127.0.0.1:" + plugtest.port();
    }

    @Test
    void pipedOutputIsTheRawLinkFormat() {
        Captured c = new Captured(false);
        assertThat(c.run("discover", plugtest() + "/ignored?x=1")).isZero();
        List<Link> links = LinkFormat.parse(c.out().strip());
        assertThat(links).extracting(Link::target).contains("/test", "/link1", "/path/sub3");
        assertThat(c.out()).endsWith(System.lineSeparator()).doesNotContain("\n</");
        assertThat(c.err()).isEmpty();
    }

    @Test
    void filtersByResourceTypeAndInterface() {
        Captured c = new Captured(false);
        assertThat(c.run("discover", "--rt", "Type1", plugtest())).isZero();
        assertThat(LinkFormat.parse(c.out().strip())).extracting(Link::target).containsExactly("/link1", "/link3");

        Captured i = new Captured(false);
        assertThat(i.run("discover", "--rt", "Type*", "--if", "If2", plugtest())).isZero();
        assertThat(LinkFormat.parse(i.out().strip())).extracting(Link::target).containsExactly("/link2");

        Captured h = new Captured(false);
        assertThat(h.run("discover", "--href", "/path/*", plugtest())).isZero();
        assertThat(LinkFormat.parse(h.out().strip())).extracting(Link::target)
                .containsExactly("/path/sub1", "/path/sub2", "/path/sub3");
    }

    @Test
    void terminalOutputAlignsTheAttributes() {
        Captured c = new Captured(true);
        assertThat(c.run("discover", "--rt", "Type*", plugtest())).isZero();
        assertThat(c.out().split("\\R")).containsExactly(
                "</link1>  rt=\"Type1 Type2\" if=\"If1\" ct=0",
                "</link2>  rt=\"Type2 Type3\" if=\"If2\" ct=0",
                "</link3>  rt=\"Type1 Type3\" if=\"foo\" ct=0");
        Captured all = new Captured(true);
        assertThat(all.run("discover", "--rt", "*", plugtest())).isZero();
        java.util.List<String> lines = java.util.List.of(all.out().split("\\R"));
        assertThat(lines).hasSize(10);
        // every line's attributes start in the same column, two spaces after the longest target
        java.util.function.ToIntFunction<String> attributesStart = l -> {
            int i = l.indexOf('>') + 1;
            while (l.charAt(i) == ' ') {
                i++;
            }
            return i;
        };
        assertThat(lines).extracting(attributesStart::applyAsInt).containsOnly("</large-create>  ".length());
    }

    @Test
    void jsonIsAnArrayOfLinks() {
        Captured c = new Captured(true);
        assertThat(c.run("discover", "--format", "json", "--rt", "Type2", plugtest())).isZero();
        assertThat(c.out().strip()).isEqualTo("[{\"href\":\"/link1\",\"rt\":\"Type1 Type2\",\"if\":\"If1\",\"ct\":\"0\"},"
                + "{\"href\":\"/link2\",\"rt\":\"Type2 Type3\",\"if\":\"If2\",\"ct\":\"0\"}]");
        Captured none = new Captured(false);
        assertThat(none.run("discover", "--format", "json", "--rt", "nothing", plugtest())).isZero();
        assertThat(none.out().strip()).isEqualTo("[]");
    }

    @Test
    void noDiscoveryExits4() {
        Captured c = new Captured(false);
        assertThat(c.run("discover", "127.0.0.1:" + bare.port())).isEqualTo(4);
        assertThat(c.out()).isEmpty();
        assertThat(c.err()).contains("4.04 Not Found");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Captured c = new Captured(false);
        assertThat(c.run("discover", "--nope", plugtest())).isEqualTo(2);
    }

    @Test
    void jsonFlagsAndRepeatedAttributes() {
        Link l = Link.builder("/a").observable().attribute("ct", "0").attribute("ct", "41").title("q\"").build();
        assertThat(LinkPrinter.json(l, "[::1]:5683"))
                .isEqualTo("{\"peer\":\"[::1]:5683\",\"href\":\"/a\",\"obs\":true,\"ct\":[\"0\",\"41\"],\"title\":\"q\\\"\"}");
        assertThat(LinkPrinter.aligned(List.of(l, Link.of("/bbbb")))).containsExactly(
                "</a>     obs ct=0 ct=41 title=\"q\\\"\"", "</bbbb>");
    }
}
