package dev.tern.coap.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.coap.Bytes;
import dev.tern.coap.internal.state.StateFileCodec;
import dev.tern.coap.internal.state.StateFormatException;
import dev.tern.coap.spi.ClientObservationState;
import dev.tern.coap.spi.ObserveRelationState;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;

/**
 * The state-file decoder (issue 10): the sealed file ({@link StateFileCodec#open}), its plaintext
 * parser (reached only with the key, fuzzed directly) and the observe records reject bad input
 * only with {@link IllegalArgumentException} (never another exception, never an allocation sized
 * by a length claim); what the parser accepts seals and opens to equal records.
 */
class StateFileFuzzTest {
    private static final byte[] KEY = new byte[32];
    private static final int MAX_VALUE = 4096;

    @FuzzTest
    void decode(byte[] input) {
        try {
            StateFileCodec.open(input, KEY, MAX_VALUE);
        } catch (StateFormatException expected) {
            // wrong tag, truncated, version: rejected as a whole
        }
        Map<String, Map<Bytes, byte[]>> parsed;
        try {
            parsed = StateFileCodec.parse(input, MAX_VALUE);
        } catch (StateFormatException expected) {
            parsed = null;
        }
        if (parsed != null) {
            byte[] sealed = StateFileCodec.seal(parsed, KEY, new SecureRandom());
            Map<String, Map<Bytes, byte[]>> again = StateFileCodec.open(sealed, KEY, MAX_VALUE);
            if (!again.keySet().equals(parsed.keySet())) {
                throw new AssertionError("namespaces differ after a round trip");
            }
            for (String ns : parsed.keySet()) {
                Map<Bytes, byte[]> a = parsed.get(ns);
                Map<Bytes, byte[]> b = again.get(ns);
                if (!a.keySet().equals(b.keySet())) {
                    throw new AssertionError("keys differ in " + ns);
                }
                a.forEach((k, v) -> {
                    if (!Arrays.equals(v, b.get(k))) {
                        throw new AssertionError("value differs for " + k);
                    }
                });
            }
        }
        try {
            ObserveRelationState s = ObserveRelationState.decode(input);
            if (!ObserveRelationState.decode(s.encode()).equals(s)) {
                throw new AssertionError("relation record does not round-trip: " + s);
            }
        } catch (IllegalArgumentException expected) {
            // rejected with a reason
        }
        try {
            ClientObservationState s = ClientObservationState.decode(input);
            if (!ClientObservationState.decode(s.encode()).equals(s)) {
                throw new AssertionError("observation record does not round-trip: " + s);
            }
        } catch (IllegalArgumentException expected) {
            // rejected with a reason
        }
    }
}
