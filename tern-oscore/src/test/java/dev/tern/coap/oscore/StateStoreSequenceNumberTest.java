package dev.tern.coap.oscore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.spi.EncryptedStateFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sender Sequence Numbers kept in the state SPI (issue 10 part 6): through an encrypted state file,
 * crash after crash (the store is never closed), no Partial IV is used twice (RFC 8613 Appendix
 * B.1.1).
 */
class StateStoreSequenceNumberTest {
    private static final byte[] KEY = "oscore state key, 32 bytes long!".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void crashesNeverReuseANonceThroughTheStateFile() {
        Set<String> nonces = new HashSet<>();
        int sent = 0;
        for (int crash = 0; crash < 10; crash++) {
            EncryptedStateFile state = EncryptedStateFile.open(dir, KEY); // what the last reservation flushed
            assertThat(state.rejection()).isEmpty();
            SecurityContext ctx = SequenceNumberPersistenceTest.context(SequenceNumberStore.of(state), 4);
            for (int i = 0; i < 1 + crash % 6; i++) {
                String piv = Bytes.wrap(SequenceNumberPersistenceTest.sentPartialIv(ctx)).hex();
                assertThat(nonces.add(piv)).as("Partial IV %s reused after crash %d", piv, crash).isTrue();
                sent++;
            }
        }
        assertThat(nonces).hasSize(sent);
    }
}
