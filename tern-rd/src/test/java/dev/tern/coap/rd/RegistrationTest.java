package dev.tern.coap.rd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Code;
import dev.tern.coap.Link;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registration interface (RFC 9176 §5, §5.3) and expiry at the lifetime on a manual clock. */
class RegistrationTest {
    private static final String LINKS = "</sensors/temp>;rt=\"temperature-c\";if=sensor,</sensors/light>;rt=light-lux";

    private final Rd rd = new Rd();

    /** RFC 9176 §5: POST /rd?ep=..., link-format payload, 2.01 with Location-Path of the new resource. */
    @Test
    void registrationCreatesAResource() {
        Response r = rd.post("/rd?ep=node1&lt=600&et=oic.d.sensor", LINKS, 1);
        assertThat(r.code()).isEqualTo(Code.CREATED);
        assertThat(r.options().locationPath()).hasSize(2).first().isEqualTo("reg");
        assertThat(rd.directory.registrationCount()).isEqualTo(1);
        Response read = rd.get(Rd.location(r));
        assertThat(read.code()).isEqualTo(Code.CONTENT);
        assertThat(LinkFormat.parse(read.payloadString())).isEqualTo(LinkFormat.parse(LINKS));
    }

    /** RFC 9176 §5: the same ep and d again replaces the registration and keeps its location. */
    @Test
    void reRegistrationReplacesAndKeepsTheLocation() {
        String first = Rd.location(rd.post("/rd?ep=node1", LINKS, 1));
        Response again = rd.post("/rd?ep=node1", "</other>", 1);
        assertThat(again.code()).isEqualTo(Code.CREATED);
        assertThat(Rd.location(again)).isEqualTo(first);
        assertThat(rd.directory.registrationCount()).isEqualTo(1);
        assertThat(rd.get(first).payloadString()).isEqualTo("</other>");
        // another sector is another name
        assertThat(Rd.location(rd.post("/rd?ep=node1&d=floor-3", LINKS, 1))).isNotEqualTo(first);
    }

    @Test
    void badRegistrationsGetTheRfcAnswer() {
        assertThat(rd.post("/rd", LINKS, 1).code()).isEqualTo(Code.BAD_REQUEST);               // no ep
        assertThat(rd.post("/rd?ep=" + "x".repeat(64), LINKS, 1).code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(rd.post("/rd?ep=a&lt=0", LINKS, 1).code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(rd.post("/rd?ep=a&lt=x", LINKS, 1).code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(rd.post("/rd?ep=a&base=http://h", LINKS, 1).code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(rd.post("/rd?ep=a", "<a>;,", 1).code()).isEqualTo(Code.BAD_REQUEST);       // not link-format
        Response json = rd.send(Request.post("coap://rd.example/rd?ep=a").payload("{}").contentFormat(50), 1);
        assertThat(json.code()).isEqualTo(Code.UNSUPPORTED_CONTENT_FORMAT);
        assertThat(rd.directory.registrationCount()).isZero();
    }

    /** RFC 9176 §5.3.1: an update restarts the lifetime and may change lt and base; 2.04. */
    @Test
    void updateChangesLifetimeAndBase() {
        String loc = Rd.location(rd.post("/rd?ep=node1&lt=100", LINKS, 1));
        assertThat(rd.post(loc + "?lt=200&base=coap://%5B2001:db8::1%5D:7000", "", 1).code()).isEqualTo(Code.CHANGED);
        List<Link> eps = rd.lookup("/rd-lookup/ep");
        assertThat(eps).hasSize(1);
        assertThat(eps.get(0).attribute("lt")).hasValue("200");
        assertThat(eps.get(0).attribute("base")).hasValue("coap://[2001:db8::1]:7000");
        assertThat(rd.lookup("/rd-lookup/res").get(0).target()).isEqualTo("coap://[2001:db8::1]:7000/sensors/temp");
    }

    /** RFC 9176 §5.3.1: an update of an unknown (or expired) registration is 4.04, so the registrant re-registers. */
    @Test
    void updateOfUnknownRegistrationIsNotFound() {
        assertThat(rd.post("/reg/nosuch", "", 1).code()).isEqualTo(Code.NOT_FOUND);
        assertThat(rd.delete("/reg/nosuch", 1).code()).isEqualTo(Code.NOT_FOUND);
    }

    /** RFC 9176 §5.3.2: DELETE removes the registration, 2.02; it is gone from lookups. */
    @Test
    void removal() {
        String loc = Rd.location(rd.post("/rd?ep=node1", LINKS, 1));
        assertThat(rd.delete(loc, 1).code()).isEqualTo(Code.DELETED);
        assertThat(rd.get(loc).code()).isEqualTo(Code.NOT_FOUND);
        assertThat(rd.lookup("/rd-lookup/ep")).isEmpty();
        rd.clock.advance(Duration.ofSeconds(1)); // the coalesced notification of lookup observers
        assertThat(rd.clock.activeTimers()).isZero(); // no expiry timer left behind
    }

    /** RFC 9176 §5.3: without an update, the registration is removed when its lifetime ends. */
    @Test
    void expiresAtTheLifetime() {
        String loc = Rd.location(rd.post("/rd?ep=node1&lt=60", LINKS, 1));
        rd.clock.advance(Duration.ofSeconds(59));
        assertThat(rd.lookup("/rd-lookup/ep")).hasSize(1);
        rd.clock.advance(Duration.ofSeconds(1));
        assertThat(rd.lookup("/rd-lookup/ep")).isEmpty();
        assertThat(rd.directory.registrationCount()).isZero();
        assertThat(rd.post(loc, "", 1).code()).isEqualTo(Code.NOT_FOUND);
    }

    /** RFC 9176 §5: lt defaults to 90000 s; an update restarts the full lifetime. */
    @Test
    void defaultLifetimeAndUpdateRestartsIt() {
        String loc = Rd.location(rd.post("/rd?ep=node1", LINKS, 1));
        assertThat(rd.lookup("/rd-lookup/ep").get(0).attribute("lt")).hasValue("90000");
        rd.clock.advance(Duration.ofSeconds(80_000));
        assertThat(rd.post(loc, "", 1).code()).isEqualTo(Code.CHANGED);
        rd.clock.advance(Duration.ofSeconds(80_000));
        assertThat(rd.lookup("/rd-lookup/ep")).hasSize(1);
        rd.clock.advance(Duration.ofSeconds(10_000));
        assertThat(rd.lookup("/rd-lookup/ep")).isEmpty();
    }
}
