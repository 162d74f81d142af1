package dev.tern.coap.dtls.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.coap.Bytes;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.dtls.internal.DtlsContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The decoder of handed-over DTLS session records (issue 10: a record of the state file or of a
 * node's state in Redis, sealed, but decoded as if hostile) on arbitrary bytes: nothing throws,
 * nothing is allocated from a length it claims beyond the record, and at most the one record
 * given is kept.
 */
class SessionRecordFuzzTest {
    private static final Bytes KEY = Bytes.wrap(new byte[] {(byte) 'E', 127, 0, 0, 1, (byte) 0x9C, (byte) 0xBB});

    private static final DtlsContext CONTEXT = new DtlsContext(DtlsConfig.server()
            .pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8)).build(), true);

    @FuzzTest
    void decode(byte[] value) {
        int kept = CONTEXT.importSessions(Map.of(KEY, value));
        if (kept < 0 || kept > 1) {
            throw new AssertionError("kept " + kept + " sessions from one record");
        }
    }
}
