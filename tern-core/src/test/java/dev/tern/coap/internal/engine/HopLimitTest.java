package dev.tern.coap.internal.engine;

import static dev.tern.coap.MessageType.ACK;
import static dev.tern.coap.MessageType.CON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.testkit.Harness;
import dev.tern.coap.testkit.MessagePeer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hop-Limit (RFC 8768 §3): option 16, elective and safe to forward, a 1-byte uint of 1..255
 * (default 16 where a proxy inserts it). Registered and validated: a request carrying Hop-Limit 0
 * (the 1-byte 0x00, or the empty uint encoding of 0) gets 4.00; a valid value reaches the handler
 * unchanged so that a proxy can decrement it; a value of the wrong length is an elective option
 * out of range and is ignored (RFC 7252 §5.4.3).
 */
class HopLimitTest {
    private final List<Request> seen = new ArrayList<>();
    private final Service service = request -> {
        seen.add(request);
        return CompletableFuture.completedFuture(Response.content("ok"));
    };
    private final Harness h = Harness.server(service, EndpointConfig.defaults());
    private final MessagePeer client = h.peer(10);

    private Message get(int mid, Option hopLimit) {
        Options options = Options.builder().uriPath("/hello").add(hopLimit).build();
        client.send(new Message(CON, Code.GET, mid, Bytes.fromHex("0a0b"), options, Bytes.EMPTY));
        Message r = client.expect();
        assertThat(r.type()).isEqualTo(ACK);
        assertThat(r.messageId()).isEqualTo(mid);
        return r;
    }

    @Test
    void registeredAsElectiveSafeToForwardOneByteUint() {
        OptionNumber.Definition d = OptionNumber.definition(OptionNumber.HOP_LIMIT).orElseThrow();
        assertThat(d.number()).isEqualTo(16);
        assertThat(d.name()).isEqualTo("Hop-Limit");
        assertThat(d.format()).isEqualTo(dev.tern.coap.OptionFormat.UINT);
        assertThat(d.maxLength()).isEqualTo(1);
        assertThat(d.repeatable()).isFalse();
        assertThat(OptionNumber.isElective(16)).isTrue();
        assertThat(OptionNumber.isUnsafe(16)).isFalse();
    }

    @ParameterizedTest(name = "Hop-Limit {0} is carried to the handler")
    @ValueSource(ints = {1, 16, 255})
    void validValueIsCarried(int value) {
        Message r = get(0x100 + value, Option.ofUint(OptionNumber.HOP_LIMIT, value));
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).options().hopLimit()).hasValue(value);
    }

    @Test
    void zeroAsOneByteGetsBadRequest() {
        Message r = get(0x200, new Option(OptionNumber.HOP_LIMIT, Bytes.of((byte) 0)));
        assertThat(r.code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(r.payload().utf8()).contains("Hop-Limit");
        assertThat(seen).isEmpty();
    }

    @Test
    void zeroAsEmptyUintGetsBadRequest() {
        Message r = get(0x201, new Option(OptionNumber.HOP_LIMIT, Bytes.EMPTY));
        assertThat(r.code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(seen).isEmpty();
    }

    @Test
    void twoByteValueIsAnElectiveOptionOutOfRangeAndIgnored() {
        Message r = get(0x202, new Option(OptionNumber.HOP_LIMIT, Bytes.fromHex("0010")));
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(seen.get(0).options().hopLimit()).isEmpty();
    }

    @Test
    void builderTakesOneTo255() {
        assertThat(Options.builder().hopLimit(16).build().hopLimit()).hasValue(16);
        assertThat(Options.builder().hopLimit(255).build().get(0).value().length()).isEqualTo(1);
        assertThatThrownBy(() -> Options.builder().hopLimit(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Options.builder().hopLimit(256)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Options.DEFAULT_HOP_LIMIT).isEqualTo(16);
    }
}
