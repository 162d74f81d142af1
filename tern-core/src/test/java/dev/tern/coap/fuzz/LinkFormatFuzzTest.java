package dev.tern.coap.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.coap.Link;
import dev.tern.coap.LinkFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@link LinkFormat#parse} (RFC 6690) rejects bad input only with {@code LinkFormatException}
 * (an {@link IllegalArgumentException}); what it accepts formats to a document that parses to equal links.
 */
class LinkFormatFuzzTest {

    @FuzzTest
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        List<Link> links;
        try {
            links = LinkFormat.parse(text);
        } catch (IllegalArgumentException expected) {
            return;
        }
        String formatted = LinkFormat.format(links);
        List<Link> again;
        try {
            again = LinkFormat.parse(formatted);
        } catch (IllegalArgumentException e) {
            throw new AssertionError("formatted form of " + text + " does not parse: " + formatted, e);
        }
        if (!links.equals(again)) {
            throw new AssertionError(text + " -> " + formatted + " -> " + again);
        }
        if (!LinkFormat.format(again).equals(formatted)) {
            throw new AssertionError("formatting is not stable: " + formatted);
        }
    }
}
