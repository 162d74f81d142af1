package dev.tern.coap.oscore.internal;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.Option;
import dev.tern.coap.Options;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The OSCORE plaintext (RFC 8613 §5.3): the inner code (one byte), the inner options in CoAP's
 * delta encoding (RFC 7252 §3.1), and, when there is a payload, 0xFF and the payload.
 */
public final class InnerOptions {
    private static final int PAYLOAD_MARKER = 0xFF;

    private InnerOptions() {
    }

    /** The decoded plaintext. */
    public record Plaintext(Code code, Options options, Bytes payload) {
    }

    /** Encodes code, options (in number order) and payload. */
    public static byte[] encode(Code code, Options options, Bytes payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + payload.length());
        out.write(code.wireValue());
        int previous = 0;
        for (Option o : options.all()) {
            int delta = o.number() - previous;
            int len = o.value().length();
            out.write(nibble(delta) << 4 | nibble(len));
            extended(out, delta);
            extended(out, len);
            out.writeBytes(o.value().toArray());
            previous = o.number();
        }
        if (!payload.isEmpty()) {
            out.write(PAYLOAD_MARKER);
            out.writeBytes(payload.toArray());
        }
        return out.toByteArray();
    }

    /**
     * Decodes a plaintext. Every length is checked against the bytes present before anything is
     * copied, so a forged length never sizes an allocation.
     */
    public static Plaintext decode(byte[] p) throws MalformedOscoreException {
        if (p.length == 0) {
            throw new MalformedOscoreException("empty plaintext");
        }
        Code code = Code.fromWire(p[0] & 0xFF);
        List<Option> options = new ArrayList<>();
        int i = 1;
        int number = 0;
        while (i < p.length) {
            int b = p[i++] & 0xFF;
            if (b == PAYLOAD_MARKER) {
                if (i == p.length) {
                    throw new MalformedOscoreException("payload marker without payload");
                }
                return new Plaintext(code, Options.of(options), Bytes.of(p, i, p.length - i));
            }
            int[] cursor = {i};
            int delta = readExtended(p, cursor, b >>> 4);
            int len = readExtended(p, cursor, b & 0x0F);
            i = cursor[0];
            number += delta;
            if (number > 0xFFFF) {
                throw new MalformedOscoreException("inner option number out of range");
            }
            if (len > p.length - i) {
                throw new MalformedOscoreException("inner option longer than the plaintext");
            }
            options.add(new Option(number, Bytes.of(p, i, len)));
            i += len;
        }
        return new Plaintext(code, Options.of(options), Bytes.EMPTY);
    }

    private static int nibble(int v) {
        return v < 13 ? v : v < 269 ? 13 : 14;
    }

    private static void extended(ByteArrayOutputStream out, int v) {
        if (v >= 269) {
            out.write((v - 269) >>> 8);
            out.write(v - 269);
        } else if (v >= 13) {
            out.write(v - 13);
        }
    }

    private static int readExtended(byte[] p, int[] cursor, int nibble) throws MalformedOscoreException {
        int i = cursor[0];
        switch (nibble) {
            case 13:
                if (i + 1 > p.length) {
                    throw new MalformedOscoreException("truncated inner option");
                }
                cursor[0] = i + 1;
                return (p[i] & 0xFF) + 13;
            case 14:
                if (i + 2 > p.length) {
                    throw new MalformedOscoreException("truncated inner option");
                }
                cursor[0] = i + 2;
                return ((p[i] & 0xFF) << 8 | (p[i + 1] & 0xFF)) + 269;
            case 15:
                throw new MalformedOscoreException("reserved option nibble 15");
            default:
                return nibble;
        }
    }
}
