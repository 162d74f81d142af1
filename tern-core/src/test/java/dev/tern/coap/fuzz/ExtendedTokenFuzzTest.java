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
 * Extended token lengths in the decoder (RFC 8974 §2.1). Every input is turned into a version-1
 * datagram whose TKL nibble is 13 or 14 (kept when the input has one, else bit 0 of the first
 * byte picks), so the fuzzer spends
 * its time on the extension bytes and the token that follows. The decoder never throws; an accepted
 * datagram has exactly the token the extension announces (13 + one byte, or 269 + two bytes), never
 * more than the bytes present, and re-encodes to the same bytes; a rejected one says why at an
 * offset inside the datagram.
 */
class ExtendedTokenFuzzTest {

    @FuzzTest
    void extendedToken(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] datagram = input.clone();
        int nibble = datagram[0] & 0x0F;
        int tkl = nibble == 13 || nibble == 14 ? nibble : 13 + (nibble & 1);
        datagram[0] = (byte) (0x40 | (datagram[0] & 0x30) | tkl);
        DecodeResult r = MessageDecoder.decode(datagram, 0, datagram.length);
        if (r instanceof Message m) {
            int announced = tkl == 13 ? (datagram[4] & 0xFF) + 13
                    : ((datagram[4] & 0xFF) << 8 | (datagram[5] & 0xFF)) + 269;
            int start = tkl == 13 ? 5 : 6;
            if (m.token().length() != announced) {
                throw new AssertionError("token of " + m.token().length() + " bytes, " + announced
                        + " announced: " + hex(datagram));
            }
            if (start + announced > datagram.length) {
                throw new AssertionError("token beyond the datagram: " + hex(datagram));
            }
            if (!Arrays.equals(m.token().toArray(), Arrays.copyOfRange(datagram, start, start + announced))) {
                throw new AssertionError("token bytes differ: " + hex(datagram));
            }
            byte[] again = MessageEncoder.encode(m);
            if (!Arrays.equals(again, datagram)) {
                throw new AssertionError("re-encoding differs: " + hex(datagram) + " -> " + hex(again));
            }
        } else if (r instanceof MessageFormatError e) {
            if (e.reason() == null || e.reason().isEmpty() || e.offset() < 0 || e.offset() > datagram.length) {
                throw new AssertionError("bad error " + e + " for " + hex(datagram));
            }
            if (datagram.length >= 4 && (e.messageId() < 0 || !e.versionOk())) {
                throw new AssertionError("a readable header lost its Message ID: " + e + " for " + hex(datagram));
            }
        } else {
            throw new AssertionError("null result for " + hex(datagram));
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b, 0, Math.min(b.length, 64)) + (b.length > 64 ? "..." : "");
    }
}
