package dev.tern.coap.rd;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.coap.Code;
import dev.tern.coap.Link;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.Method;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzed registration queries and payloads, updates, removals and lookups (RFC 9176 §5, §6) into
 * a small directory on a manual clock: every request gets a response (never a failure, so never a
 * 5.00), the registrations stay within the caps, and every 2.05 lookup is valid link-format.
 */
class RdFuzzTest {
    private static final String[] PATHS = {"/rd", "/reg/", "/rd-lookup/ep", "/rd-lookup/res", "/.well-known/core"};
    private static final PeerIdentity[] IDENTITIES = {
        null, PeerIdentity.preSharedKey("a", "TLS_PSK_WITH_AES_128_CCM_8"),
        PeerIdentity.preSharedKey("b", "TLS_PSK_WITH_AES_128_CCM_8"),
    };

    @FuzzTest(maxDuration = "60s")
    void requests(FuzzedDataProvider data) {
        ManualClock clock = new ManualClock();
        ResourceDirectory rd = ResourceDirectory.builder().scheduler(clock).maxRegistrations(8)
                .maxRegistrationsPerPeer(4).maxLinksPerRegistration(6).maxPayloadBytes(512)
                .maxLifetime(Duration.ofSeconds(1000)).maxLookupResults(10).build();
        Router router = rd.router();
        List<String> locations = new ArrayList<>();
        int steps = data.consumeInt(1, 30);
        for (int i = 0; i < steps && data.remainingBytes() > 0; i++) {
            int kind = data.consumeInt(0, PATHS.length - 1);
            String path = PATHS[kind];
            Method method = kind == 0 ? Method.POST : kind == 1 ? data.pickValue(new Method[] {Method.POST, Method.GET,
                    Method.DELETE}) : Method.GET;
            if (kind == 1) {
                path = locations.isEmpty() || data.consumeBoolean() ? "/reg/" + data.consumeAsciiString(12)
                        : locations.get(data.consumeInt(0, locations.size() - 1));
            }
            Request.Builder b = Request.builder(method).path(path).peer(Rd.address(data.consumeInt(1, 6)));
            PeerIdentity id = data.pickValue(IDENTITIES);
            int queries = data.consumeInt(0, 4);
            for (int q = 0; q < queries; q++) {
                String arg = data.consumeString(40);
                if (!arg.isEmpty()) {
                    b.query(arg);
                }
            }
            if (method == Method.POST && data.consumeBoolean()) {
                b.payload(data.consumeString(600)).contentFormat(data.consumeBoolean() ? 40 : data.consumeInt(0, 70));
            }
            Request request;
            try {
                request = b.build();
            } catch (IllegalArgumentException e) {
                continue; // not a request a peer could send (e.g. an option over 255 bytes)
            }
            if (id != null) {
                request = Rd.withIdentity(request, id); // as a DTLS session would authenticate it
            }
            Response r = router.handle(request).join();
            assertThat(r).isNotNull();
            assertThat(r.code().codeClass()).isIn(2, 4, 5);
            assertThat(r.code()).isNotEqualTo(Code.INTERNAL_SERVER_ERROR);
            if (r.code().equals(Code.CREATED)) {
                locations.add("/" + String.join("/", r.options().locationPath()));
            }
            if (r.code().equals(Code.CONTENT) && kind >= 2) {
                assertThat(LinkFormat.parse(r.payloadString()).size()).isLessThanOrEqualTo(kind == 4 ? 100 : 10);
            }
            assertThat(rd.registrationCount()).isLessThanOrEqualTo(8);
            differential(data.consumeString(80), data.consumeString(30));
            if (data.consumeBoolean()) {
                clock.advance(Duration.ofSeconds(data.consumeInt(0, 1200)));
            }
        }
        rd.close();
    }

    /** The lookup's allocation-free matcher agrees with {@link LinkFormat#matches} (RFC 6690 §4.1). */
    private static void differential(String links, String query) {
        List<Link> parsed;
        try {
            parsed = LinkFormat.parse(links);
        } catch (IllegalArgumentException e) {
            return;
        }
        for (Link l : parsed) {
            assertThat(LookupInterface.linkMatches(l, LookupInterface.Filter.of(query)))
                    .as("%s ? %s", l, query).isEqualTo(LinkFormat.matches(l, query));
        }
    }
}
