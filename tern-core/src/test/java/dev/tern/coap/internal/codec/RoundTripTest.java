package dev.tern.coap.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.MessageType;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** decode(encode(m)) == m for hand-picked and seeded random messages. */
class RoundTripTest {

    static Bytes bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 31);
        }
        if (n > 0) {
            b[0] = 1; // a canonical uint has no leading zero byte
        }
        return Bytes.wrap(b);
    }

    static Message msg(MessageType type, Code code, int mid, Bytes token, Options options, Bytes payload) {
        return new Message(type, code, mid, token, options, payload);
    }

    static Stream<Arguments> messages() {
        List<Arguments> list = new ArrayList<>();
        Bytes tok = Bytes.fromHex("cafe");
        for (MessageType t : MessageType.values()) {
            list.add(Arguments.of("empty " + t, Message.empty(t, 0x4242)));
            list.add(Arguments.of("GET " + t, msg(t, Code.GET, 1, tok,
                    Options.builder().uriPath("/a/b").build(), Bytes.EMPTY)));
        }
        for (Code c : new Code[] {Code.POST, Code.PUT, Code.DELETE, Code.FETCH, Code.PATCH, Code.IPATCH,
                Code.CREATED, Code.CONTENT, Code.CONTINUE, Code.BAD_OPTION, Code.REQUEST_ENTITY_INCOMPLETE,
                Code.TOO_MANY_REQUESTS, Code.INTERNAL_SERVER_ERROR, Code.HOP_LIMIT_REACHED, Code.valueOf(7, 31)}) {
            list.add(Arguments.of("code " + c, msg(MessageType.ACK, c, 0xffff, tok, Options.EMPTY,
                    Bytes.utf8("x"))));
        }
        for (int n = 0; n <= OptionNumber.MAX; n++) {
            if (!OptionNumber.isKnown(n)) {
                continue;
            }
            OptionNumber.Definition d = OptionNumber.definition(n).orElseThrow();
            list.add(Arguments.of(d.name() + " min", msg(MessageType.CON, Code.GET, n, Bytes.EMPTY,
                    Options.of(new Option(n, bytes(d.minLength(), n))), Bytes.EMPTY)));
            list.add(Arguments.of(d.name() + " max", msg(MessageType.NON, Code.CONTENT, n, Bytes.of((byte) n),
                    Options.of(new Option(n, bytes(d.maxLength(), n))), Bytes.utf8("p"))));
        }
        Options.Builder all = Options.builder();
        for (int n = OptionNumber.MAX; n >= 0; n--) { // added in descending order on purpose
            if (OptionNumber.isKnown(n)) {
                OptionNumber.Definition d = OptionNumber.definition(n).orElseThrow();
                all.add(new Option(n, bytes(d.maxLength(), n)));
            }
        }
        list.add(Arguments.of("every registered option", msg(MessageType.CON, Code.POST, 7,
                Bytes.fromHex("0102030405060708"), all.build(), bytes(1024, 9))));
        list.add(Arguments.of("repeated options", msg(MessageType.CON, Code.GET, 8, tok, Options.builder()
                .add(OptionNumber.URI_HOST, "example.org").uriPath("/x/y/z").uriQuery("a=1").uriQuery("b=2")
                .add(OptionNumber.ETAG, Bytes.fromHex("01")).add(OptionNumber.ETAG, Bytes.fromHex("0203"))
                .accept(ContentFormat.CBOR).add(Option.ofEmpty(65535)).add(Option.ofEmpty(65535)).build(),
                Bytes.EMPTY)));
        list.add(Arguments.of("unknown options", msg(MessageType.NON, Code.PUT, 9, Bytes.EMPTY,
                Options.of(Option.ofEmpty(0), Option.ofEmpty(13), Option.ofEmpty(268), Option.ofEmpty(269),
                        new Option(2000, bytes(300, 1)), new Option(65000, bytes(13, 2))), Bytes.EMPTY)));
        for (int size : new int[] {0, 1, 1024}) {
            list.add(Arguments.of("payload " + size, msg(MessageType.CON, Code.PUT, 10, Bytes.EMPTY,
                    Options.builder().contentFormat(ContentFormat.OCTET_STREAM).build(), bytes(size, 3))));
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void roundTrip(String name, Message m) {
        byte[] wire = MessageEncoder.encode(m);
        assertThat(wire).hasSize(MessageEncoder.encodedSize(m));
        assertThat(MessageDecoder.decode(wire)).isEqualTo(m);
    }

    /** A valid random message: any type and code, plausible option numbers and lengths. */
    static Message randomMessage(Random r) {
        MessageType type = MessageType.fromWire(r.nextInt(4));
        int mid = r.nextInt(0x10000);
        if (r.nextInt(10) == 0) {
            return Message.empty(type, mid);
        }
        Code code = Code.fromWire(1 + r.nextInt(255));
        byte[] token = new byte[r.nextInt(9)];
        r.nextBytes(token);
        List<Option> options = new ArrayList<>();
        int count = r.nextInt(4) == 0 ? 0 : r.nextInt(12);
        for (int i = 0; i < count; i++) {
            int number;
            switch (r.nextInt(4)) {
                case 0:
                    number = r.nextInt(15);
                    break;
                case 1:
                    number = r.nextInt(300);
                    break;
                case 2:
                    number = r.nextInt(3000);
                    break;
                default:
                    number = r.nextInt(OptionNumber.MAX + 1);
                    break;
            }
            int len = r.nextInt(8) == 0 ? r.nextInt(600) : r.nextInt(16);
            byte[] value = new byte[len];
            r.nextBytes(value);
            options.add(new Option(number, Bytes.wrap(value)));
        }
        int payloadLength = r.nextInt(3) == 0 ? 0 : r.nextInt(5) == 0 ? r.nextInt(1500) : 1 + r.nextInt(20);
        byte[] payload = new byte[payloadLength];
        r.nextBytes(payload);
        return new Message(type, code, mid, Bytes.wrap(token), Options.of(options), Bytes.wrap(payload));
    }

    @Test
    void fiveThousandRandomMessages() {
        Random r = new Random(0x7e42L);
        for (int i = 0; i < 5000; i++) {
            Message m = randomMessage(r);
            byte[] wire = MessageEncoder.encode(m);
            assertThat(MessageDecoder.decode(wire)).as("message %d: %s", i, m).isEqualTo(m);
            // also into a larger buffer at an offset, and back from that slice
            byte[] big = new byte[wire.length + 7];
            assertThat(MessageEncoder.encode(m, big, 3)).isEqualTo(wire.length);
            assertThat(MessageDecoder.decode(big, 3, wire.length)).isEqualTo(m);
        }
    }
}
