package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Client and server settings have separate builders (issue 16): a PSK store on a client or a
 * client PSK on a server does not compile. Checked here by reflection, as a compile test.
 */
class DtlsConfigSidesTest {
    private static Stream<String> publicMethods(Class<?> type) {
        return Arrays.stream(type.getMethods()).map(Method::getName);
    }

    @Test
    void clientBuilderHasNoServerSettings() {
        assertThat(publicMethods(DtlsConfig.ClientBuilder.class))
                .contains("psk", "serverName", "connectionId", "certificate", "trustedKeys", "build")
                .doesNotContain("pskStore", "clientAuth", "connectionIdLength", "cookieLifetime", "sessionCacheSize");
    }

    @Test
    void serverBuilderHasNoClientSettings() {
        assertThat(publicMethods(DtlsConfig.ServerBuilder.class))
                .contains("pskStore", "clientAuth", "connectionIdLength", "certificate", "trustedKeys", "build")
                .doesNotContain("psk", "serverName", "connectionId", "maxPendingMessages", "resumeAfterIdle");
    }

    @Test
    void noSidelessBuilder() {
        assertThat(publicMethods(DtlsConfig.class)).doesNotContain("builder").contains("client", "server");
    }

    @Test
    void aConfigOfOneSideIsRefusedByTheOther() {
        byte[] key = "secret".getBytes(StandardCharsets.UTF_8);
        DtlsConfig client = DtlsConfig.client().psk("dev1", key).build();
        DtlsConfig server = DtlsConfig.server().pskStore("dev1", key).build();
        assertThat(client.isServer()).isFalse();
        assertThat(server.isServer()).isTrue();
        assertThatThrownBy(() -> Dtls.server(client)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DtlsConfig.server()");
        assertThatThrownBy(() -> Dtls.client(server)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DtlsConfig.client()");
    }

    @Test
    void handshakeRetransmissionIsBoundedAndDefaultsToOneSecond() {
        assertThat(DtlsConfig.client().build().handshakeRetransmission()).isEqualTo(java.time.Duration.ofSeconds(1));
        assertThat(DtlsConfig.server().handshakeRetransmission(java.time.Duration.ofMillis(100)).build()
                .handshakeRetransmission()).isEqualTo(java.time.Duration.ofMillis(100));
        for (java.time.Duration bad : new java.time.Duration[] {java.time.Duration.ZERO, java.time.Duration.ofNanos(999_999),
                java.time.Duration.ofMillis(-1), java.time.Duration.ofSeconds(61)}) {
            assertThatThrownBy(() -> DtlsConfig.client().handshakeRetransmission(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 ms .. 60 s");
        }
    }

    @Test
    void sharedSettersReturnTheSidesBuilder() {
        // chaining a shared setter keeps the side's own setters available (compiles only if B is returned)
        DtlsConfig c = DtlsConfig.client().maxHandshakes(3).trustAll(true).connectionId(true).build();
        DtlsConfig s = DtlsConfig.server().maxHandshakes(3).rawPublicKey(TestPki.ecKeyPair()).connectionIdLength(4)
                .build();
        assertThat(c.connectionId()).isTrue();
        assertThat(s.connectionIdLength()).isEqualTo(4);
    }
}
