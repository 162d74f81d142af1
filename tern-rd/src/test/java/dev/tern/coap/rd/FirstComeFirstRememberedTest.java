package dev.tern.coap.rd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Code;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import org.junit.jupiter.api.Test;

/**
 * RFC 9176 §7.5 First-Come-First-Remembered: an endpoint name registered under a security identity
 * stays with that identity. Attack: a second identity (or an unauthenticated peer) hijacks the name.
 */
class FirstComeFirstRememberedTest {
    private static final PeerIdentity DEV1 = PeerIdentity.preSharedKey("dev1", "TLS_PSK_WITH_AES_128_CCM_8");
    private static final PeerIdentity DEV1_OTHER_SUITE = PeerIdentity.preSharedKey("dev1", "TLS_PSK_WITH_AES_128_GCM_SHA256");
    private static final PeerIdentity MALLORY = PeerIdentity.preSharedKey("mallory", "TLS_PSK_WITH_AES_128_CCM_8");

    private final Rd rd = new Rd();

    @Test
    void anotherIdentityCannotTakeOverAName() {
        Response first = rd.post("/rd?ep=lamp-1", "</light>", DEV1);
        assertThat(first.code()).isEqualTo(Code.CREATED);
        String loc = Rd.location(first);

        assertThat(rd.post("/rd?ep=lamp-1", "</evil>", MALLORY).code()).isEqualTo(Code.UNAUTHORIZED);
        assertThat(rd.post("/rd?ep=lamp-1", "</evil>", 66).code()).isEqualTo(Code.UNAUTHORIZED); // no identity
        assertThat(rd.send(Request.post("coap://rd.example" + loc + "?base=coap://evil.example"), 9, MALLORY)
                .code()).isEqualTo(Code.UNAUTHORIZED);
        assertThat(rd.send(Request.delete("coap://rd.example" + loc), 9, MALLORY).code())
                .isEqualTo(Code.UNAUTHORIZED);
        assertThat(rd.delete(loc, 66).code()).isEqualTo(Code.UNAUTHORIZED);

        assertThat(rd.lookup("/rd-lookup/res")).extracting(l -> l.target()).containsExactly("coap://192.0.2.9:61616/light");
        // the rightful owner, even after renegotiating another cipher suite, keeps control
        assertThat(rd.post("/rd?ep=lamp-1", "</light2>", DEV1_OTHER_SUITE).code()).isEqualTo(Code.CREATED);
        assertThat(rd.send(Request.delete("coap://rd.example" + loc), 9, DEV1).code())
                .isEqualTo(Code.DELETED);
        // once forgotten, the name is free again (§7.5: remembered while registered)
        assertThat(rd.post("/rd?ep=lamp-1", "</x>", MALLORY).code()).isEqualTo(Code.CREATED);
    }

    /** Over plain coap nothing identifies a registrant: first come, first served, and re-registration replaces (§5). */
    @Test
    void plainCoapNamesAreFirstComeFirstServed() {
        String loc = Rd.location(rd.post("/rd?ep=lamp-1", "</light>", 1));
        Response again = rd.post("/rd?ep=lamp-1", "</other>", 2);
        assertThat(again.code()).isEqualTo(Code.CREATED);
        assertThat(Rd.location(again)).isEqualTo(loc);
        // a secured registrant claims a name taken over plain coap, and keeps it from then on
        assertThat(rd.post("/rd?ep=lamp-1", "</light>", DEV1).code()).isEqualTo(Code.CREATED);
        assertThat(rd.post("/rd?ep=lamp-1", "</other>", 2).code()).isEqualTo(Code.UNAUTHORIZED);
    }
}
