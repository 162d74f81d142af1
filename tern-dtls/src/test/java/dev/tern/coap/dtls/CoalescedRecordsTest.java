package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Several records in one datagram (RFC 6347 §4.1.1) are all processed when the datagram arrives,
 * also when the first ones are discarded: BouncyCastle's receive stops at its 1 ms wait once the
 * clock ticks and leaves the rest of the datagram in its queue, where it waited for the peer's next
 * datagram (a retransmitted flight's Finished behind its ClientKeyExchange, so the server's last
 * flight went out a retransmission round late). Which datagrams see a clock tick is chance, so
 * many are sent, each with enough discarded records before the request to make a tick likely.
 */
class CoalescedRecordsTest {
    private static final int DATAGRAMS = 60;
    private static final int DISCARDED_BEFORE = 30;

    @Test
    void aRequestBehindDiscardedRecordsIsAnsweredAtOnce() throws Exception {
        DtlsLayer layer = Dtls.server(DtlsConfig.server().pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8))
                .build());
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").security(layer)
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build())
                .build().start();
             BcTestClient client = new BcTestClient(new InetSocketAddress("127.0.0.1", server.port()))) {
            client.connect("dev1", "secret", false);
            for (int mid = 1; mid <= DATAGRAMS; mid++) {
                client.dropOutgoing = d -> true; // the request's record is only recorded
                client.send(BcTestClient.coapGet("hello", mid));
                client.dropOutgoing = d -> false;
                byte[] request = client.sent.get(client.sent.size() - 1);
                // the same record with a broken MAC: discarded after a decryption attempt, its
                // sequence number left free for the intact one (RFC 6347 §4.1.2.7)
                byte[] forged = request.clone();
                forged[forged.length - 1] ^= 0x55;
                ByteArrayOutputStream datagram = new ByteArrayOutputStream();
                for (int i = 0; i < DISCARDED_BEFORE; i++) {
                    datagram.writeBytes(forged);
                }
                datagram.writeBytes(request);
                client.sendRaw(datagram.toByteArray());
                byte[] answer = client.receive(1000);
                assertThat(answer).as("the answer to request %d, sent behind %d discarded records", mid,
                        DISCARDED_BEFORE).isNotNull();
                assertThat(new String(answer, StandardCharsets.UTF_8)).endsWith("Hello World!");
            }
            assertThat(layer.statistics().recordsDelivered()).isEqualTo(DATAGRAMS);
        }
    }
}
