package dev.tern.coap.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing: the decoder never throws, and whatever it accepts re-encodes to the very same bytes
 * (the wire format is canonical) and decodes again to an equal message.
 */
class DecoderNeverThrowsTest {

    private static void check(byte[] input, int off, int len) {
        DecodeResult r;
        try {
            r = MessageDecoder.decode(input, off, len);
        } catch (RuntimeException e) {
            throw new AssertionError("decode threw on " + HexFormat.of().formatHex(input, off, off + len), e);
        }
        if (r == null) {
            fail("null result for " + HexFormat.of().formatHex(input, off, off + len));
        }
        if (r instanceof Message m) {
            byte[] again = MessageEncoder.encode(m);
            if (!Arrays.equals(again, 0, again.length, input, off, off + len)) {
                fail("re-encoding differs for " + HexFormat.of().formatHex(input, off, off + len));
            }
            if (!m.equals(MessageDecoder.decode(again))) {
                fail("re-decoding differs for " + HexFormat.of().formatHex(input, off, off + len));
            }
        } else {
            MessageFormatError e = (MessageFormatError) r;
            if (e.reason() == null || e.reason().isEmpty() || e.offset() < 0 || e.offset() > len) {
                fail("bad error " + e + " for " + HexFormat.of().formatHex(input, off, off + len));
            }
        }
    }

    @Test
    void randomBytes() {
        Random r = new Random(20240601L);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[r.nextInt(65)];
            r.nextBytes(b);
            if (b.length > 0 && r.nextBoolean()) {
                b[0] = (byte) (0x40 | (b[0] & 0x3F)); // version 1 half of the time, to get past the header
            }
            check(b, 0, b.length);
            if (MessageDecoder.decode(b) instanceof Message) {
                accepted++;
            }
        }
        assertThat(accepted).as("some random inputs decode").isPositive();
    }

    @Test
    void mutatedValidMessages() {
        Random r = new Random(0xC0A9L);
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] valid = MessageEncoder.encode(RoundTripTest.randomMessage(r));
            byte[] b = valid;
            int mutations = 1 + r.nextInt(3);
            for (int k = 0; k < mutations; k++) {
                switch (r.nextInt(4)) {
                    case 0: // flip a byte
                        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                        break;
                    case 1: // flip a bit
                        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                        break;
                    case 2: // truncate
                        b = Arrays.copyOf(b, r.nextInt(b.length + 1));
                        break;
                    default: // append a byte
                        b = Arrays.copyOf(b, b.length + 1);
                        b[b.length - 1] = (byte) r.nextInt(256);
                        break;
                }
                if (b.length == 0) {
                    break;
                }
            }
            // decode from inside a larger buffer to catch offset bugs
            byte[] framed = new byte[b.length + 4];
            Arrays.fill(framed, (byte) 0xFF);
            System.arraycopy(b, 0, framed, 2, b.length);
            check(framed, 2, b.length);
            if (MessageDecoder.decode(b) instanceof Message) {
                accepted++;
            } else {
                rejected++;
            }
        }
        assertThat(accepted).isPositive();
        assertThat(rejected).isPositive();
    }
}
