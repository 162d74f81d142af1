package dev.tern.coap.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Block;
import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.Options;
import dev.tern.coap.Response;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** {@link GroupResponseLimit} as a plain function (RFC 7252 §11.3, RFC 7959 §2.4). */
class GroupResponseLimitTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.7", 5683);
    private static final String BODY = "y".repeat(3000);

    private static GroupResponseLimit limit(EndpointConfig config) {
        return new GroupResponseLimit(config, new AmplificationGuard(config, System::nanoTime));
    }

    private static Message request(Code code, String path) {
        return new Message(MessageType.NON, code, 1, Bytes.of(new byte[] {1, 2}),
                Options.builder().uriPath(path).build(), Bytes.EMPTY);
    }

    private static int size(Message request, Response r) {
        return MessageEncoder.encodedSize(new Message(MessageType.NON, r.code(), 0, request.token(), r.options(),
                r.payload()));
    }

    @Test
    void aSmallResponsePassesAsItIs() {
        Message req = request(Code.GET, "/.well-known/core");
        Response small = Response.content("</a>");
        assertThat(limit(EndpointConfig.defaults()).limit(req, PEER, small, false)).isSameAs(small);
    }

    @Test
    void aLargeGetResponseBecomesTheLargestBlockThatFits() {
        Message req = request(Code.GET, "/.well-known/core");
        Response cut = limit(EndpointConfig.defaults()).limit(req, PEER, Response.content(BODY), false);
        assertThat(size(req, cut)).isLessThanOrEqualTo(3 * MessageEncoder.encodedSize(req));
        Block b = cut.options().block2().orElseThrow();
        assertThat(b.num()).isZero();
        assertThat(b.more()).isTrue();
        assertThat(cut.payload().length()).isEqualTo(b.size());
        Response doubled = Response.content(BODY.substring(0, 2 * b.size()));
        // the next size up would not have fitted
        assertThat(size(req, doubled.toBuilder().payload(Bytes.utf8(BODY.substring(0, 2 * b.size())))
                .option(new Block(0, true, b.szx() + 1).toOption(dev.tern.coap.OptionNumber.BLOCK2)).build()))
                .isGreaterThan(3 * MessageEncoder.encodedSize(req));
    }

    @Test
    void aLaterBlockKeepsItsOffset() {
        Message req = request(Code.GET, "/some-resource");
        Response block3 = Response.content(BODY.substring(0, 1024)).toBuilder()
                .option(new Block(3, true, 6).toOption(dev.tern.coap.OptionNumber.BLOCK2)).build();
        Response cut = limit(EndpointConfig.defaults()).limit(req, PEER, block3, false);
        Block b = cut.options().block2().orElseThrow();
        assertThat(b.offset()).isEqualTo(3 * 1024);
    }

    @Test
    void otherMethodsAndTinyRequestsGetNothing() {
        assertThat(limit(EndpointConfig.defaults()).limit(request(Code.POST, "/items"), PEER,
                Response.builder(Code.CHANGED).payload(BODY).build(), false)).isNull();
        Message tiny = new Message(MessageType.NON, Code.GET, 1, Bytes.EMPTY, Options.EMPTY, Bytes.EMPTY);
        assertThat(limit(EndpointConfig.defaults()).limit(tiny, PEER, Response.content(BODY), false)).isNull();
    }

    @Test
    void uncappedRoutesAndAZeroLimitPassButTheEchoGuardStillHolds() {
        Message req = request(Code.GET, "/.well-known/core");
        Response big = Response.content(BODY);
        assertThat(limit(EndpointConfig.defaults()).limit(req, PEER, big, true)).isSameAs(big);
        assertThat(limit(EndpointConfig.builder().multicastAmplificationLimit(0).build()).limit(req, PEER, big, false))
                .isSameAs(big);
        Response guarded = limit(EndpointConfig.builder().amplificationLimit(2).build()).limit(req, PEER, big, true);
        assertThat(size(req, guarded)).isLessThanOrEqualTo(2 * MessageEncoder.encodedSize(req));
    }
}
