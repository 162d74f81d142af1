package dev.tern.coap.oscore.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A CBOR encoder (RFC 8949 §3) for exactly the types OSCORE's structures contain: arrays of known
 * length, byte strings, text strings, integers and {@code null}. Deterministic (shortest) heads,
 * as the HKDF info (RFC 8613 §3.2.1) and the AAD (§5.4) require.
 */
public final class Cbor {
    private static final int MAJOR_UINT = 0;
    private static final int MAJOR_NINT = 1;
    private static final int MAJOR_BSTR = 2;
    private static final int MAJOR_TSTR = 3;
    private static final int MAJOR_ARRAY = 4;
    private static final int NULL = 0xF6;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    /** Starts an array of {@code size} items. */
    public Cbor array(int size) {
        head(MAJOR_ARRAY, size);
        return this;
    }

    /** A byte string. */
    public Cbor bytes(byte[] value) {
        head(MAJOR_BSTR, value.length);
        out.writeBytes(value);
        return this;
    }

    /** A text string (UTF-8). */
    public Cbor text(String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        head(MAJOR_TSTR, b.length);
        out.writeBytes(b);
        return this;
    }

    /** An integer, positive or negative. */
    public Cbor integer(long value) {
        if (value >= 0) {
            head(MAJOR_UINT, value);
        } else {
            head(MAJOR_NINT, -1 - value);
        }
        return this;
    }

    /** The simple value {@code null}. */
    public Cbor nil() {
        out.write(NULL);
        return this;
    }

    /** The encoding so far. */
    public byte[] toByteArray() {
        return out.toByteArray();
    }

    private void head(int major, long value) {
        int mt = major << 5;
        if (value < 24) {
            out.write(mt | (int) value);
        } else if (value <= 0xFF) {
            out.write(mt | 24);
            out.write((int) value);
        } else if (value <= 0xFFFF) {
            out.write(mt | 25);
            writeBig(value, 2);
        } else if (value <= 0xFFFF_FFFFL) {
            out.write(mt | 26);
            writeBig(value, 4);
        } else {
            out.write(mt | 27);
            writeBig(value, 8);
        }
    }

    private void writeBig(long value, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)));
        }
    }
}
