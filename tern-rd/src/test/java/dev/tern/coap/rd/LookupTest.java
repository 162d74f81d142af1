package dev.tern.coap.rd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Code;
import dev.tern.coap.Link;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lookup interface (RFC 9176 §6): filters, paging, href and link resolution (§6.2). */
class LookupTest {
    private final Rd rd = new Rd();

    @BeforeEach
    void register() {
        rd.post("/rd?ep=node1&et=oic.d.sensor&base=coap://%5B2001:db8:3::123%5D:61616",
                "</temp>;rt=\"temperature-c\";if=sensor,</light>;rt=light-lux;anchor=\"/room\"", 1);
        rd.post("/rd?ep=node2&d=floor-3", "</temp>;rt=temperature-f,<coap://other.example/x>;rt=ext", 2);
        rd.post("/rd?ep=lamp-1", "</light>;rt=light-lux;obs", 3);
    }

    /** RFC 9176 §6.1: endpoint lookup lists registration resources with their parameters. */
    @Test
    void endpointLookupListsRegistrations() {
        List<Link> eps = rd.lookup("/rd-lookup/ep");
        assertThat(eps).extracting(l -> l.attribute("ep").orElseThrow()).containsExactly("node1", "node2", "lamp-1");
        Link n1 = eps.get(0);
        assertThat(n1.target()).startsWith("/reg/");
        assertThat(n1.attribute("base")).hasValue("coap://[2001:db8:3::123]:61616");
        assertThat(n1.attribute("et")).hasValue("oic.d.sensor");
        assertThat(n1.resourceTypes()).containsExactly("core.rd-ep");
        // §5: without base, the source address is the base
        assertThat(eps.get(1).attribute("base")).hasValue("coap://192.0.2.2:61616");
        assertThat(eps.get(1).attribute("d")).hasValue("floor-3");
    }

    /** RFC 9176 §6.1: filters on registration attributes, exact and with a * prefix. */
    @Test
    void endpointFilters() {
        assertThat(rd.lookup("/rd-lookup/ep?et=oic.d.sensor")).hasSize(1);
        assertThat(rd.lookup("/rd-lookup/ep?ep=node*")).hasSize(2);
        assertThat(rd.lookup("/rd-lookup/ep?d=floor-3")).hasSize(1);
        // an endpoint matches a resource attribute when one of its resources matches
        assertThat(rd.lookup("/rd-lookup/ep?rt=light-lux")).extracting(l -> l.attribute("ep").orElseThrow())
                .containsExactly("node1", "lamp-1");
        assertThat(rd.lookup("/rd-lookup/ep?rt=temperature*&ep=node2")).hasSize(1);
        assertThat(rd.lookup("/rd-lookup/ep?ep=nobody")).isEmpty();
    }

    /** RFC 9176 §6.2: resource lookup answers absolute targets and anchors, resolved against base. */
    @Test
    void resourceLookupResolvesAgainstBase() {
        List<Link> res = rd.lookup("/rd-lookup/res?ep=node1");
        assertThat(res).extracting(Link::target).containsExactly(
                "coap://[2001:db8:3::123]:61616/temp", "coap://[2001:db8:3::123]:61616/light");
        assertThat(res.get(0).anchor()).hasValue("coap://[2001:db8:3::123]:61616");
        assertThat(res.get(1).anchor()).hasValue("coap://[2001:db8:3::123]:61616/room");
        assertThat(res.get(0).resourceTypes()).containsExactly("temperature-c");
        // an absolute target stays as it is
        assertThat(rd.lookup("/rd-lookup/res?rt=ext")).extracting(Link::target).containsExactly("coap://other.example/x");
    }

    /** RFC 9176 §6.1: resource attributes with prefixes, registration attributes, and href on the resolved target. */
    @Test
    void resourceFilters() {
        assertThat(rd.lookup("/rd-lookup/res?rt=temperature*")).hasSize(2);
        assertThat(rd.lookup("/rd-lookup/res?rt=light-lux")).hasSize(2);
        assertThat(rd.lookup("/rd-lookup/res?rt=light-lux&ep=lamp-1")).extracting(Link::target)
                .containsExactly("coap://192.0.2.3:61616/light");
        assertThat(rd.lookup("/rd-lookup/res?obs")).hasSize(1);
        assertThat(rd.lookup("/rd-lookup/res?href=coap://192.0.2.2:61616/temp")).hasSize(1);
        assertThat(rd.lookup("/rd-lookup/res?href=coap://192.0.2.*")).hasSize(2);
        assertThat(rd.lookup("/rd-lookup/res?d=floor-3")).hasSize(2);
    }

    /**
     * RFC 9176 §6.1 lookups by {@code rt} (served from the store's index, not a scan): the same
     * answer and order as the registrations' own links give, after a re-registration changed the
     * links, a removal, and with several types in one {@code rt} value.
     */
    @Test
    void resourceTypeLookupsFollowReRegistrationAndRemoval() {
        rd.post("/rd?ep=multi", "</a>;rt=\"light-lux temperature-c\"", 4);
        assertThat(rd.lookup("/rd-lookup/res?rt=temperature-c")).extracting(Link::target)
                .containsExactly("coap://[2001:db8:3::123]:61616/temp", "coap://192.0.2.4:61616/a");
        assertThat(rd.lookup("/rd-lookup/ep?rt=light-lux")).extracting(l -> l.attribute("ep").orElseThrow())
                .containsExactly("node1", "lamp-1", "multi");
        // lamp-1 registers again with other links: it keeps its place, leaves light-lux, joins ext
        rd.post("/rd?ep=lamp-1", "</switch>;rt=ext", 3);
        assertThat(rd.lookup("/rd-lookup/res?rt=light-lux")).extracting(Link::target)
                .containsExactly("coap://[2001:db8:3::123]:61616/light", "coap://192.0.2.4:61616/a");
        assertThat(rd.lookup("/rd-lookup/res?rt=ext")).extracting(Link::target)
                .containsExactly("coap://other.example/x", "coap://192.0.2.3:61616/switch");
        assertThat(rd.lookup("/rd-lookup/res?rt=light*")).hasSize(2);
        assertThat(rd.lookup("/rd-lookup/res?rt=light*&page=1&count=1")).extracting(Link::target)
                .containsExactly("coap://192.0.2.4:61616/a");
        String node1 = rd.lookup("/rd-lookup/ep?ep=node1").get(0).target();
        assertThat(rd.delete(node1, 1).code()).isEqualTo(Code.DELETED);
        assertThat(rd.lookup("/rd-lookup/res?rt=temperature*")).extracting(Link::target)
                .containsExactly("coap://192.0.2.2:61616/temp", "coap://192.0.2.4:61616/a");
        assertThat(rd.lookup("/rd-lookup/res?rt=light")).isEmpty(); // exact: no token is "light"
        // the endpoints' own type still lists every endpoint (not served from the index)
        assertThat(rd.lookup("/rd-lookup/ep?rt=core.rd*")).hasSize(3);
    }

    /** RFC 9176 §6.1: href on endpoint lookup compares the registration resource path. */
    @Test
    void hrefOnEndpointLookup() {
        Link n2 = rd.lookup("/rd-lookup/ep?ep=node2").get(0);
        assertThat(rd.lookup("/rd-lookup/ep?href=" + n2.target())).containsExactly(n2);
        assertThat(rd.lookup("/rd-lookup/ep?href=/reg/*")).hasSize(3);
    }

    /** RFC 9176 §6.1: page and count select a page of count results, in a stable order. */
    @Test
    void paging() {
        assertThat(rd.lookup("/rd-lookup/res?count=2")).hasSize(2);
        List<Link> all = rd.lookup("/rd-lookup/res");
        assertThat(all).hasSize(5);
        assertThat(rd.lookup("/rd-lookup/res?page=1&count=2")).containsExactlyElementsOf(all.subList(2, 4));
        assertThat(rd.lookup("/rd-lookup/res?page=2&count=2")).containsExactly(all.get(4));
        assertThat(rd.lookup("/rd-lookup/res?page=3&count=2")).isEmpty();
        assertThat(rd.lookup("/rd-lookup/ep?page=1&count=1")).extracting(l -> l.attribute("ep").orElseThrow())
                .containsExactly("node2");
        assertThat(rd.get("/rd-lookup/res?count=-1").code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(rd.get("/rd-lookup/res?page=x").code()).isEqualTo(Code.BAD_REQUEST);
    }

    /** The lookup bound: without count at most maxLookupResults links, and count cannot exceed it. */
    @Test
    void lookupResultsAreBounded() {
        Rd small = new Rd(ResourceDirectory.builder().maxLookupResults(2));
        small.post("/rd?ep=a", "</1>,</2>,</3>", 1);
        assertThat(small.lookup("/rd-lookup/res")).hasSize(2);
        assertThat(small.lookup("/rd-lookup/res?count=100")).hasSize(2);
        assertThat(small.lookup("/rd-lookup/res?page=1&count=2")).hasSize(1);
    }

    /** RFC 9176 §4 / RFC 6690 §4.1: /.well-known/core?rt=core.rd* lists the directory's interfaces. */
    @Test
    void discovery() {
        List<Link> links = rd.lookup("/.well-known/core?rt=core.rd*");
        assertThat(links).extracting(Link::target).containsExactly("/rd", "/rd-lookup/ep", "/rd-lookup/res");
        assertThat(links.get(0).resourceTypes()).containsExactly("core.rd");
        assertThat(links.get(1).resourceTypes()).containsExactly("core.rd-lookup-ep");
        assertThat(links.get(2).resourceTypes()).containsExactly("core.rd-lookup-res");
    }
}
