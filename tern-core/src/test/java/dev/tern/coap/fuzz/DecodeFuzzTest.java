package dev.tern.coap.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.internal.codec.MessageFormatError;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The datagram decoder (RFC 7252 §3) never throws; what it accepts re-encodes to the very same bytes
 * (the wire format is canonical) and decodes again to an equal message.
 */
class DecodeFuzzTest {

    @FuzzTest
    void decode(byte[] datagram) {
        DecodeResult r = MessageDecoder.decode(datagram, 0, datagram.length);
        if (r instanceof Message m) {
            byte[] again = MessageEncoder.encode(m);
            if (!Arrays.equals(again, datagram)) {
                throw new AssertionError("re-encoding differs: " + hex(datagram) + " -> " + hex(again));
            }
            if (!m.equals(MessageDecoder.decode(again))) {
                throw new AssertionError("re-decoding differs: " + hex(datagram));
            }
        } else if (r instanceof MessageFormatError e) {
            if (e.reason() == null || e.reason().isEmpty() || e.offset() < 0 || e.offset() > datagram.length) {
                throw new AssertionError("bad error " + e + " for " + hex(datagram));
            }
        } else {
            throw new AssertionError("null result for " + hex(datagram));
        }
        // a slice of a larger buffer decodes the same as a copy of it
        if (datagram.length > 2) {
            DecodeResult inner = MessageDecoder.decode(datagram, 1, datagram.length - 2);
            DecodeResult copy = MessageDecoder.decode(Arrays.copyOfRange(datagram, 1, datagram.length - 1));
            if (inner instanceof Message != copy instanceof Message
                    || (inner instanceof Message && !inner.equals(copy))) {
                throw new AssertionError("slice decodes differently: " + hex(datagram));
            }
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
