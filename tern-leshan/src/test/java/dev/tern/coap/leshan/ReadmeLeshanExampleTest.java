package dev.tern.coap.leshan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.servers.security.InMemorySecurityStore;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.junit.jupiter.api.Test;

/** README.md's "LwM2M with Eclipse Leshan" example, compiled and run (ports 0). Keep the two in step. */
class ReadmeLeshanExampleTest {

    @Test
    void theReadmeExampleServesCoapAndCoaps() throws Exception {
        byte[] key = "lamp-1-secret".getBytes(StandardCharsets.UTF_8);
        // --- README: LwM2M with Eclipse Leshan ---
        InMemorySecurityStore keys = new InMemorySecurityStore();   // coaps devices: endpoint, PSK identity, key
        keys.add(SecurityInfo.newPreSharedKeyInfo("lamp-1", "lamp-1-id", key));
        LeshanServer server = new LeshanServerBuilder()
                .setEndpointsProviders(TernServerEndpointsProvider.builder()
                        .coap(new InetSocketAddress(0))
                        .coaps(new InetSocketAddress(0))          // PSKs from Leshan's security store
                        .build())
                .setSecurityStore(keys)
                .build();
        server.start();
        // ---
        try {
            assertThat(server.getEndpoints()).extracting(e -> e.getURI().getScheme())
                    .containsExactlyInAnyOrder("coap", "coaps");
            assertThat(server.getEndpoints()).allSatisfy(e -> assertThat(e.getURI().getPort()).isPositive());
        } finally {
            server.destroy();
        }
    }
}
