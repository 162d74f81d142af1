package dev.tern.coap.internal.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Block;
import dev.tern.coap.Bytes;
import dev.tern.coap.CoapBlockwiseException;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.engine.CoapEndpoint;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.ReliableSettings;
import dev.tern.coap.testkit.ManualScheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** BERT (RFC 8323 §6) on the client side, the server played byte by byte. */
class BertClientTest {
    static final InetSocketAddress SERVER = new InetSocketAddress("192.0.2.9", 5683);
    final ManualScheduler scheduler = new ManualScheduler();
    RawConnections transport;
    CoapEndpoint endpoint;

    void start(ReliableSettings settings) {
        transport = new RawConnections(settings.withIdleTimeout(Duration.ofSeconds(30)));
        endpoint = CoapEndpoint.assembleReliable(transport, scheduler, EndpointConfig.clientDefaults(), null,
                Runnable::run, null, null, new Random(1), EndpointMetrics.NONE);
    }

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    CompletableFuture<Response> send(Request r) {
        CompletableFuture<Response> f = endpoint.send(r, SERVER);
        scheduler.runPending();
        return f;
    }

    /** The server's side of the connection, its CSM sent: {@code mms}, Block-Wise-Transfer when {@code bwt}. */
    RawConnections.Raw serverSide(int mms, boolean bwt) {
        RawConnections.Raw c = transport.open(SERVER);
        scheduler.runPending();
        c.write(BertServerTest.csm(mms, bwt));
        scheduler.runPending();
        return c;
    }

    static Message reply(Message request, Code code, Block block, int option, Bytes payload) {
        Options o = block == null ? Options.EMPTY : Options.of(block.toOption(option));
        return new Message(MessageType.CON, code, 0, request.token(), o, payload);
    }

    static long block1(Message m) {
        return m.options().first(OptionNumber.BLOCK1).orElseThrow().uintValue();
    }

    @Test
    void uploadSwitchesToBertBlocksOnceTheServersCsmAllowsThem() {
        start(ReliableSettings.defaults());
        Bytes body = BertServerTest.pattern(5000);
        CompletableFuture<Response> f = send(Request.put("coap+tcp://192.0.2.9/up").payload(body).build());
        RawConnections.Raw c = serverSide(4096, true);
        // block 0 was written before the CSM arrived: an ordinary 1024-byte block (base values, §5.3.1)
        Message b0 = c.last();
        assertThat(block1(b0)).isEqualTo(0x0E);
        assertThat(b0.payload()).isEqualTo(body.slice(0, 1024));
        c.write(reply(b0, Code.CONTINUE, new Block(0, true, 6), OptionNumber.BLOCK1, Bytes.EMPTY));
        scheduler.runPending();
        // then BERT: (4096 - 512) / 1024 = 3 units, NUM in 1024-byte units
        Message b1 = c.last();
        assertThat(block1(b1)).isEqualTo(0x1F); // 1/1/BERT
        assertThat(b1.payload()).isEqualTo(body.slice(1024, 3072));
        c.write(reply(b1, Code.CONTINUE, new Block(1, true, 7), OptionNumber.BLOCK1, Bytes.EMPTY));
        scheduler.runPending();
        Message b2 = c.last();
        assertThat(block1(b2)).isEqualTo(0x47); // 4/0/BERT
        assertThat(b2.payload()).isEqualTo(body.slice(4096, 904));
        c.write(reply(b2, Code.CHANGED, new Block(4, false, 7), OptionNumber.BLOCK1, Bytes.EMPTY));
        scheduler.runPending();
        assertThat(f.join().code()).isEqualTo(Code.CHANGED);
    }

    @Test
    void serverAnsweringBertWithSzx6GetsOrdinaryBlocks() {
        start(ReliableSettings.defaults());
        send(Request.get("coap+tcp://192.0.2.9/x").build());
        RawConnections.Raw c = serverSide(4096, true);
        c.write(reply(c.last(), Code.CONTENT, null, 0, Bytes.EMPTY));
        scheduler.runPending();
        Bytes body = BertServerTest.pattern(5000);
        CompletableFuture<Response> f = send(Request.put("coap+tcp://192.0.2.9/up").payload(body).build());
        Message b0 = c.last();
        assertThat(block1(b0)).isEqualTo(0x0F); // 0/1/BERT at once: the CSM is known
        assertThat(b0.payload().length()).isEqualTo(3072);
        c.write(reply(b0, Code.CONTINUE, new Block(0, true, 6), OptionNumber.BLOCK1, Bytes.EMPTY));
        scheduler.runPending();
        Message b1 = c.last();
        assertThat(block1(b1)).isEqualTo(0x3E); // 3/1/1024: the server took 3072 bytes, wants SZX 6
        assertThat(b1.payload()).isEqualTo(body.slice(3072, 1024));
        assertThat(f).isNotDone();
    }

    @Test
    void peerWithoutBlockWiseTransferGetsOrdinaryBlocks() {
        start(ReliableSettings.defaults());
        send(Request.get("coap+tcp://192.0.2.9/x").build());
        RawConnections.Raw c = serverSide(65_536, false);
        c.write(reply(c.last(), Code.CONTENT, null, 0, Bytes.EMPTY));
        scheduler.runPending();
        send(Request.put("coap+tcp://192.0.2.9/up").payload(BertServerTest.pattern(5000)).build());
        assertThat(block1(c.last())).isEqualTo(0x0E);
        assertThat(c.last().payload().length()).isEqualTo(1024);
    }

    @Test
    void bertDownloadIsAssembledAndAskedForWithSzx7() {
        start(ReliableSettings.defaults());
        Bytes body = BertServerTest.pattern(2148);
        CompletableFuture<Response> f = send(Request.get("coap+tcp://192.0.2.9/big").build());
        RawConnections.Raw c = serverSide(8192, true);
        c.write(reply(c.last(), Code.CONTENT, new Block(0, true, 7), OptionNumber.BLOCK2, body.slice(0, 2048)));
        scheduler.runPending();
        Message ask = c.last();
        assertThat(ask.options().first(OptionNumber.BLOCK2).orElseThrow().uintValue()).isEqualTo(0x27); // 2/0/BERT
        c.write(reply(ask, Code.CONTENT, new Block(2, false, 7), OptionNumber.BLOCK2, body.slice(2048, 100)));
        scheduler.runPending();
        assertThat(f.join().payload()).isEqualTo(body);
    }

    @Test
    void bertDownloadFailsWhenThisClientDidNotAnnounceBlockWiseTransfer() {
        start(ReliableSettings.defaults().withBlockwiseTransfer(false));
        CompletableFuture<Response> f = send(Request.get("coap+tcp://192.0.2.9/big").build());
        RawConnections.Raw c = serverSide(8192, true);
        List<Message> sent = c.messages();
        assertThat(sent.get(0).options().has(4)).isFalse();
        c.write(reply(c.last(), Code.CONTENT, new Block(0, true, 7), OptionNumber.BLOCK2,
                BertServerTest.pattern(2048)));
        scheduler.runPending();
        assertThat(f).isCompletedExceptionally();
        assertThat(ReliableClientTest.failure(f)).isInstanceOf(CoapBlockwiseException.class)
                .hasMessageContaining("BERT");
    }
}
