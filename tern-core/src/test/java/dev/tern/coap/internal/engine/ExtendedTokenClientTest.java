package dev.tern.coap.internal.engine;

import static dev.tern.coap.MessageType.ACK;
import static dev.tern.coap.MessageType.CON;
import static dev.tern.coap.MessageType.RST;
import static dev.tern.coap.testkit.Messages.empty;
import static dev.tern.coap.testkit.Messages.response;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapResetException;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Method;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.testkit.Harness;
import dev.tern.coap.testkit.MessagePeer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A client configured for extended tokens (RFC 8974) against servers without support: a server
 * that answers a request carrying an extended token with RST (a message format error to an RFC
 * 7252 server) or 4.00 (RFC 8974 §2.2.2) gets the request again with an 8-byte token, and later
 * requests to it use 8-byte tokens from the start; other servers keep getting extended tokens.
 */
class ExtendedTokenClientTest {
    private final Harness h = Harness.client(EndpointConfig.builder().tokenLength(16).build());
    private final MessagePeer legacy = h.peer(10);
    private final MessagePeer modern = h.peer(11);

    private CompletableFuture<Response> get(MessagePeer to) {
        return h.endpoint.send(Request.builder(Method.GET).path("/temp").build(), to.address());
    }

    private static Message expectRequest(MessagePeer peer, int tokenLength) {
        Message req = peer.expect();
        assertThat(req.type()).isEqualTo(CON);
        assertThat(req.code()).isEqualTo(Code.GET);
        assertThat(req.token().length()).as("token length").isEqualTo(tokenLength);
        return req;
    }

    private static void answer(MessagePeer peer, Message req, String text) {
        peer.send(response(ACK, Code.CONTENT, req.messageId(), req.token(), text));
    }

    @Test
    void resetToAnExtendedTokenFallsBackToEightBytesForThatServer() {
        CompletableFuture<Response> f = get(legacy);
        Message first = expectRequest(legacy, 16);
        legacy.send(empty(RST, first.messageId()));
        assertThat(f).isNotDone();

        Message retry = expectRequest(legacy, 8);
        assertThat(retry.messageId()).isNotEqualTo(first.messageId());
        assertThat(retry.options()).isEqualTo(first.options());
        answer(legacy, retry, "22.5");
        assertThat(f).isCompleted();
        assertThat(f.join().payloadString()).isEqualTo("22.5");

        CompletableFuture<Response> second = get(legacy);
        Message direct = expectRequest(legacy, 8); // remembered: no extended token tried again
        answer(legacy, direct, "22.6");
        assertThat(second.join().payloadString()).isEqualTo("22.6");

        CompletableFuture<Response> other = get(modern);
        answer(modern, expectRequest(modern, 16), "ok");
        assertThat(other.join().code()).isEqualTo(Code.CONTENT);
    }

    @Test
    void badRequestToAnExtendedTokenFallsBackToEightBytes() {
        CompletableFuture<Response> f = get(legacy);
        Message first = expectRequest(legacy, 16);
        legacy.send(response(ACK, Code.BAD_REQUEST, first.messageId(), first.token(), ""));
        Message retry = expectRequest(legacy, 8);
        answer(legacy, retry, "fine");
        assertThat(f.join().code()).isEqualTo(Code.CONTENT);
        legacy.expectNothing();
    }

    @Test
    void aSecondRejectionWithAShortTokenIsTheAnswer() {
        CompletableFuture<Response> f = get(legacy);
        Message first = expectRequest(legacy, 16);
        legacy.send(response(ACK, Code.BAD_REQUEST, first.messageId(), first.token(), ""));
        Message retry = expectRequest(legacy, 8);
        legacy.send(response(ACK, Code.BAD_REQUEST, retry.messageId(), retry.token(), "no"));
        assertThat(f.join().code()).isEqualTo(Code.BAD_REQUEST);
        legacy.expectNothing();

        CompletableFuture<Response> g = get(legacy);
        Message next = expectRequest(legacy, 8);
        legacy.send(empty(RST, next.messageId()));
        assertThat(f).isCompleted();
        try {
            g.join();
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(CoapResetException.class);
        }
        assertThat(g).isCompletedExceptionally();
    }

    @Test
    void aTokenChosenByTheApplicationIsNeverReplaced() {
        Bytes mine = Bytes.wrap(new byte[20]);
        CompletableFuture<Response> f = h.endpoint.send(Request.builder(Method.GET).path("/temp").token(mine).build(),
                legacy.address());
        Message first = expectRequest(legacy, 20);
        legacy.send(response(ACK, Code.BAD_REQUEST, first.messageId(), first.token(), ""));
        assertThat(f.join().code()).isEqualTo(Code.BAD_REQUEST);
        legacy.expectNothing();
    }

    @Test
    void rememberedServersAreBoundedByMaxPeers() {
        Harness small = Harness.client(EndpointConfig.builder().tokenLength(13).maxPeers(3).build());
        for (int host = 20; host < 30; host++) {
            MessagePeer p = small.peer(host);
            CompletableFuture<Response> f = small.endpoint.send(Request.builder(Method.GET).path("/x").build(),
                    p.address());
            Message first = p.expect();
            assertThat(first.token().length()).isEqualTo(13);
            p.send(empty(RST, first.messageId()));
            Message retry = p.expect();
            assertThat(retry.token().length()).isEqualTo(8);
            p.send(response(ACK, Code.CONTENT, retry.messageId(), retry.token(), ""));
            assertThat(f).isCompleted();
            assertThat(small.endpoint.shortTokenPeers()).isLessThanOrEqualTo(3);
        }
        assertThat(small.endpoint.shortTokenPeers()).isEqualTo(3);
        // the oldest was forgotten: it is tried with an extended token again
        MessagePeer oldest = small.peer(20);
        small.endpoint.send(Request.builder(Method.GET).path("/x").build(), oldest.address());
        oldest.expect();
        oldest.expect();
        assertThat(oldest.expect().token().length()).isEqualTo(13);
    }
}
