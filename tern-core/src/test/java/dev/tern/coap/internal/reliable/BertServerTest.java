package dev.tern.coap.internal.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Block;
import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.ReliableFraming;
import dev.tern.coap.internal.engine.CoapEndpoint;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.ReliableSettings;
import dev.tern.coap.testkit.ManualScheduler;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * BERT (RFC 8323 §6) on the server side, the client played byte by byte: the CSM announces
 * Block-Wise-Transfer (§5.3.2), BERT Block1 is taken and echoed, large responses go in BERT blocks
 * sized by the peer's Max-Message-Size, and SZX 7 is refused where BERT was not negotiated.
 */
class BertServerTest {
    static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.7", 40000);
    static final Code CSM = Code.valueOf(7, 1);
    static final Bytes BIG = pattern(10_000);
    final ManualScheduler scheduler = new ManualScheduler();
    final AtomicReference<Bytes> uploaded = new AtomicReference<>();
    RawConnections transport;
    CoapEndpoint endpoint;

    static Bytes pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + i / 251);
        }
        return Bytes.wrap(b);
    }

    void start(ReliableSettings settings) {
        transport = new RawConnections(settings);
        Router router = Router.builder()
                .get("/big", req -> Response.content(BIG, 42))
                .put("/up", req -> {
                    uploaded.set(req.payload());
                    return Response.of(Code.CHANGED);
                })
                .build();
        endpoint = CoapEndpoint.assembleReliable(transport, scheduler, EndpointConfig.defaults(), router,
                Runnable::run, null, null, new Random(1), EndpointMetrics.NONE);
    }

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    /** The peer's CSM: Max-Message-Size {@code mms}, with Block-Wise-Transfer when {@code bwt}. */
    static Message csm(int mms, boolean bwt) {
        Options o = bwt ? Options.of(Option.ofUint(2, mms), Option.ofEmpty(4)) : Options.of(Option.ofUint(2, mms));
        return new Message(MessageType.CON, CSM, 0, Bytes.EMPTY, o, Bytes.EMPTY);
    }

    RawConnections.Raw connect(Message peerCsm) {
        RawConnections.Raw c = transport.accept(PEER);
        scheduler.runPending();
        c.write(peerCsm);
        scheduler.runPending();
        return c;
    }

    static Message put(int token, Block block1, Bytes payload) {
        return new Message(MessageType.CON, Code.PUT, 0, Bytes.of((byte) token),
                Options.builder().uriPath("up").add(block1.toOption(OptionNumber.BLOCK1)).build(), payload);
    }

    static Message get(int token, Block block2) {
        Options.Builder o = Options.builder().uriPath("big");
        if (block2 != null) {
            o.add(block2.toOption(OptionNumber.BLOCK2));
        }
        return new Message(MessageType.CON, Code.GET, 0, Bytes.of((byte) token), o.build(), Bytes.EMPTY);
    }

    @Test
    void csmAnnouncesBlockWiseTransferByDefault() {
        start(ReliableSettings.defaults());
        RawConnections.Raw c = transport.accept(PEER);
        scheduler.runPending();
        // Len 4, TKL 0 | 7.01 | Max-Message-Size (2) = 16384 | Block-Wise-Transfer (4), empty
        assertThat(HexFormat.of().formatHex(c.sent.get(0))).isEqualTo("40e122400020");
    }

    @Test
    void bertUploadIsTakenInMultiplesOf1024AndEchoedWithSzx7() {
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connect(csm(8192, true));
        Bytes body = pattern(2048 + 100);
        c.write(put(1, new Block(0, true, Block.BERT_SZX), body.slice(0, 2048)));
        scheduler.runPending();
        Message cont = c.last();
        assertThat(cont.code()).isEqualTo(Code.CONTINUE);
        assertThat(cont.options().first(OptionNumber.BLOCK1).orElseThrow().uintValue()).isEqualTo(0x0F); // 0/1/BERT
        c.write(put(2, new Block(2, false, Block.BERT_SZX), body.slice(2048, 100))); // NUM counts 1024-byte units
        scheduler.runPending();
        Message done = c.last();
        assertThat(done.code()).isEqualTo(Code.CHANGED);
        assertThat(done.options().first(OptionNumber.BLOCK1).orElseThrow().uintValue()).isEqualTo(0x27); // 2/0/BERT
        assertThat(uploaded.get()).isEqualTo(body);
    }

    @Test
    void bertBlockNotAMultipleOf1024IsRefused() {
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connect(csm(8192, true));
        c.write(put(1, new Block(0, true, Block.BERT_SZX), pattern(1500)));
        scheduler.runPending();
        assertThat(c.last().code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(c.last().payload().utf8()).contains("multiple of 1024");
        assertThat(uploaded.get()).isNull();
    }

    @Test
    void szx7IsRefusedWhenThisSideDidNotAnnounceBlockWiseTransfer() {
        start(ReliableSettings.defaults().withBlockwiseTransfer(false));
        RawConnections.Raw c = transport.accept(PEER);
        scheduler.runPending();
        assertThat(c.messages().get(0).options().has(4)).isFalse();
        c.write(csm(8192, true));
        c.write(put(1, new Block(0, true, Block.BERT_SZX), pattern(2048)));
        scheduler.runPending();
        assertThat(c.last().code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(c.last().payload().utf8()).contains("SZX 7");
    }

    @Test
    void largeResponseGoesInBertBlocksSizedByThePeersMaxMessageSize() {
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connect(csm(8192, true));
        c.write(get(1, null));
        scheduler.runPending();
        Message first = c.last();
        assertThat(first.code()).isEqualTo(Code.CONTENT);
        // (8192 - 512 headroom) / 1024 = 7 units
        assertThat(first.options().first(OptionNumber.BLOCK2).orElseThrow().uintValue()).isEqualTo(0x0F);
        assertThat(first.payload()).isEqualTo(BIG.slice(0, 7168));
        assertThat(ReliableFraming.encode(first, false).length).isLessThanOrEqualTo(8192);
        c.write(get(2, new Block(7, false, Block.BERT_SZX)));
        scheduler.runPending();
        Message last = c.last();
        assertThat(last.options().first(OptionNumber.BLOCK2).orElseThrow().uintValue()).isEqualTo(0x77); // 7/0/BERT
        assertThat(last.payload()).isEqualTo(BIG.slice(7168, 10_000 - 7168));
    }

    @Test
    void peerWithoutBlockWiseTransferGetsOrdinaryBlocks() {
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connect(csm(8192, false));
        c.write(get(1, null));
        scheduler.runPending();
        Message first = c.last();
        assertThat(first.options().first(OptionNumber.BLOCK2).orElseThrow().uintValue()).isEqualTo(0x0E); // 0/1/1024
        assertThat(first.payload().length()).isEqualTo(1024);
    }

    @Test
    void peerAskingForSzx6GetsSzx6() {
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connect(csm(8192, true));
        c.write(get(1, new Block(0, false, 6)));
        scheduler.runPending();
        assertThat(c.last().options().first(OptionNumber.BLOCK2).orElseThrow().uintValue()).isEqualTo(0x0E);
    }
}
