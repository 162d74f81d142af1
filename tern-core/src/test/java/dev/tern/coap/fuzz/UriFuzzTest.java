package dev.tern.coap.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.coap.CoapUri;
import java.nio.charset.StandardCharsets;

/**
 * {@link CoapUri#parse} (RFC 7252 §6) rejects bad input only with {@link IllegalArgumentException};
 * what it accepts prints to a string that parses to an equal URI, and maps to options.
 */
class UriFuzzTest {

    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        CoapUri uri;
        try {
            uri = CoapUri.parse(text);
        } catch (IllegalArgumentException expected) {
            return;
        }
        String printed = uri.toString();
        CoapUri again;
        try {
            again = CoapUri.parse(printed);
        } catch (IllegalArgumentException e) {
            throw new AssertionError("printed form of " + text + " does not parse: " + printed, e);
        }
        if (!uri.equals(again)) {
            throw new AssertionError(text + " -> " + printed + " -> " + again);
        }
        if (!again.toString().equals(printed)) {
            throw new AssertionError("printing is not stable: " + printed + " -> " + again);
        }
        uri.toOptions();
        CoapUri.pathAndQuery(uri.toOptions());
    }
}
