package dev.tern.coap.cli;

import dev.tern.coap.Bytes;
import dev.tern.coap.ContentFormat;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/** Decides whether a payload can be shown as text. */
final class Payloads {
    private Payloads() {
    }

    /**
     * A payload is text when its Content-Format is a text format, or when it has none and is valid
     * UTF-8 without control characters other than whitespace (diagnostic payloads, RFC 7252 §5.5.2).
     */
    static boolean isText(Bytes payload, OptionalInt contentFormat) {
        if (payload.isEmpty()) {
            return true;
        }
        if (contentFormat.isPresent()) {
            return ContentFormat.isText(contentFormat.getAsInt());
        }
        return isPrintableUtf8(payload);
    }

    /** Valid UTF-8 whose only control characters are tab, CR and LF. */
    static boolean isPrintableUtf8(Bytes payload) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload.toArray())).toString();
        } catch (CharacterCodingException e) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
