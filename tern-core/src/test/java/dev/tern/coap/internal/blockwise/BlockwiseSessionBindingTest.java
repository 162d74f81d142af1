package dev.tern.coap.internal.blockwise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Block;
import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Method;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import dev.tern.coap.internal.api.ApiAccess;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Block-wise state belongs to the security session it started in (RFC 7252 §9.1; FAULTS.md A1.1):
 * when another DTLS peer takes over an address (a new handshake from the same NAT port, a Connection
 * ID move), it can neither continue nor read a transfer that the earlier peer began there.
 */
class BlockwiseSessionBindingTest {
    static final InetSocketAddress ADDRESS = new InetSocketAddress("192.0.2.7", 40001);
    static final PeerIdentity ALICE = PeerIdentity.preSharedKey("alice", "TLS_PSK_WITH_AES_128_CCM_8");
    static final PeerIdentity MALLORY = PeerIdentity.preSharedKey("mallory", "TLS_PSK_WITH_AES_128_CCM_8");

    final AtomicLong clock = new AtomicLong();
    final List<Request> seen = new CopyOnWriteArrayList<>();
    final Service app = request -> {
        seen.add(request);
        if (request.method() == Method.GET) {
            String who = request.peerIdentity().map(PeerIdentity::name).orElse("nobody");
            return CompletableFuture.completedFuture(
                    Response.content(Bytes.utf8(("secret of " + who + " ").repeat(8)), ContentFormat.TEXT_PLAIN));
        }
        return CompletableFuture.completedFuture(Response.of(Code.CHANGED, request.payloadString()));
    };
    final BlockwiseServer server = new BlockwiseServer(app,
            EndpointConfig.builder().preferredBlockSize(16).maxBodySize(1024).build(), clock::get);

    /** As the server engine builds a request from {@code who} over DTLS. */
    static Request.Builder fromPeer(Request.Builder b, PeerIdentity who) {
        return ApiAccess.get().inbound(b, "coaps", who, false, () -> { }, source -> false, () -> { });
    }

    static Request put(PeerIdentity who, int num, boolean more, String payload) {
        return fromPeer(Request.builder(Method.PUT).path("/r").peer(ADDRESS), who).payload(Bytes.utf8(payload))
                .option(Block.ofSize(num, more, 16).toOption(OptionNumber.BLOCK1)).build();
    }

    static Request get(PeerIdentity who, int num) {
        return fromPeer(Request.builder(Method.GET).path("/r").peer(ADDRESS), who)
                .option(Block.ofSize(num, false, 16).toOption(OptionNumber.BLOCK2)).build();
    }

    @Test
    void anotherSessionOnTheSameAddressCannotContinueAnUpload() {
        assertThat(server.handle(put(ALICE, 0, true, "alice-block-0...")).join().code()).isEqualTo(Code.CONTINUE);

        Response hijack = server.handle(put(MALLORY, 1, false, "mallory-tail")).join();
        assertThat(hijack.code()).as("a later block under another session finds no body").isEqualTo(
                Code.REQUEST_ENTITY_INCOMPLETE);
        assertThat(seen).as("the handler never ran with a mixed body").isEmpty();

        Response own = server.handle(put(ALICE, 1, false, "alice-tail")).join();
        assertThat(own.code()).isEqualTo(Code.CHANGED);
        assertThat(seen).singleElement().satisfies(r -> {
            assertThat(r.payloadString()).isEqualTo("alice-block-0...alice-tail");
            assertThat(r.peerIdentity()).contains(ALICE);
        });
    }

    @Test
    void anotherSessionOnTheSameAddressIsNotServedTheEarlierSessionsRepresentation() {
        Response first = server.handle(get(ALICE, 0)).join();
        assertThat(first.payloadString()).startsWith("secret of alice");

        Response later = server.handle(get(MALLORY, 1)).join();
        assertThat(later.payloadString()).as("block 1 comes from mallory's own representation")
                .doesNotContain("alice");
        assertThat(seen).hasSize(2);
    }
}
