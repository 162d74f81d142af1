package dev.tern.coap.dtls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.dtls.DtlsConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Both sides hand BouncyCastle the configured first wait of a flight's retransmission (RFC 6347 §4.2.4.1). */
class HandshakeRetransmissionTest {
    private static final byte[] KEY = "secret".getBytes(StandardCharsets.UTF_8);

    @Test
    void clientAndServerTakeTheConfiguredFirstWait() {
        DtlsContext client = new DtlsContext(DtlsConfig.client().psk("dev1", KEY)
                .handshakeRetransmission(Duration.ofMillis(250)).build(), false);
        DtlsContext server = new DtlsContext(DtlsConfig.server().pskStore("dev1", KEY)
                .handshakeRetransmission(Duration.ofMillis(300)).build(), true);
        assertThat(new TernTlsClient(client, new InetSocketAddress("127.0.0.1", 5684)).getHandshakeResendTimeMillis())
                .isEqualTo(250);
        assertThat(new TernTlsServer(server, () -> new byte[0]).getHandshakeResendTimeMillis()).isEqualTo(300);
    }

    @Test
    void theDefaultIsTheRfcsOneSecond() {
        DtlsContext server = new DtlsContext(DtlsConfig.server().pskStore("dev1", KEY).build(), true);
        assertThat(new TernTlsServer(server, () -> new byte[0]).getHandshakeResendTimeMillis()).isEqualTo(1000);
    }
}
