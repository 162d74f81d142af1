package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client's own body limit (RFC 7959 §2.9.3 on the client side): downloads above the server's
 * 64 KiB default work with a default client, stay bounded, and a body over the limit fails with a
 * message that names the setting to change (issue 16).
 */
class ClientBodyLimitTest {
    private static final Bytes FIRMWARE = pattern(200 * 1024);

    private CoapServer server;
    private String base;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .get("/fw.bin", r -> Response.content(FIRMWARE, ContentFormat.OCTET_STREAM))
                .build();
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(router).build().start();
        base = "coap://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void defaultsAreBoundedAndDifferByRole() {
        assertThat(EndpointConfig.defaults().maxBodySize()).isEqualTo(65_536);
        assertThat(EndpointConfig.clientDefaults().maxBodySize()).isEqualTo(16 * 1024 * 1024);
        assertThat(EndpointConfig.CLIENT_MAX_BODY_SIZE).isEqualTo(16 * 1024 * 1024);
        assertThat(EndpointConfig.clientDefaults().toBuilder().maxBodySize(1).build().ackTimeout())
                .isEqualTo(EndpointConfig.defaults().ackTimeout());
    }

    @Test
    void aDefaultClientDownloads200KiB() {
        AtomicLong seen = new AtomicLong();
        try (CoapClient client = CoapClient.create()) {
            Response r = client.call(Request.get(base + "/fw.bin").timeout(Duration.ofSeconds(60))
                    .progress((bytes, total) -> seen.set(bytes)).build());
            assertThat(r.code()).isSameAs(Code.CONTENT);
            assertThat(r.payload()).isEqualTo(FIRMWARE);
            assertThat(seen.get()).isEqualTo(FIRMWARE.length());
        }
    }

    @Test
    void overTheLimitTheErrorNamesTheSettingAndTheFlag() {
        EndpointConfig small = EndpointConfig.clientDefaults().toBuilder().maxBodySize(65_536).build();
        try (CoapClient client = CoapClient.builder().config(small).build()) {
            assertThatThrownBy(() -> client.call(Request.get(base + "/fw.bin").timeout(Duration.ofSeconds(60)).build()))
                    .isInstanceOf(CoapBlockwiseException.class)
                    .hasMessageContaining("the response body exceeds the client's maxBodySize (65536 bytes)")
                    .hasMessageContaining("EndpointConfig.maxBodySize")
                    .hasMessageContaining("tern get --max-body SIZE");
        }
    }

    private static Bytes pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + (i >>> 8));
        }
        return Bytes.wrap(b);
    }
}
