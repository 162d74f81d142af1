package dev.tern.coap;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string: tokens, ETags, opaque option values and payloads (RFC 7252 §3).
 *
 * <p>Unlike a raw {@code byte[]} (or a record holding one) it compares by content.
 */
public final class Bytes implements Comparable<Bytes> {
    /** The empty byte string. */
    public static final Bytes EMPTY = new Bytes(new byte[0]);
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] data;
    private int hash;

    private Bytes(byte[] data) {
        this.data = data;
    }

    /** Copies {@code data}. */
    public static Bytes of(byte... data) {
        return data.length == 0 ? EMPTY : new Bytes(data.clone());
    }

    /** Copies {@code length} bytes of {@code data} from {@code offset}. */
    public static Bytes of(byte[] data, int offset, int length) {
        return length == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(data, offset, offset + length));
    }

    /** Takes ownership of {@code data} without copying; the caller must not modify it afterwards. */
    public static Bytes wrap(byte[] data) {
        return data.length == 0 ? EMPTY : new Bytes(data);
    }

    /** The UTF-8 encoding of {@code text}. */
    public static Bytes utf8(String text) {
        return wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses hexadecimal digits (upper or lower case, even count). */
    public static Bytes fromHex(String hex) {
        return wrap(HEX.parseHex(hex));
    }

    /** The number of bytes. */
    public int length() {
        return data.length;
    }

    /** Whether the length is zero. */
    public boolean isEmpty() {
        return data.length == 0;
    }

    /** The byte at {@code index}. */
    public byte get(int index) {
        return data[index];
    }

    /** A copy of the bytes. */
    public byte[] toArray() {
        return data.clone();
    }

    /** A copy of {@code length} bytes from {@code offset}. */
    public Bytes slice(int offset, int length) {
        if (offset == 0 && length == data.length) {
            return this;
        }
        return of(data, offset, length);
    }

    /** Copies the bytes into {@code target} at {@code offset}. */
    public void copyTo(byte[] target, int offset) {
        System.arraycopy(data, 0, target, offset, data.length);
    }

    /** The bytes decoded as UTF-8 (malformed sequences become U+FFFD). */
    public String utf8() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Lower-case hexadecimal, two digits per byte. */
    public String hex() {
        return HEX.formatHex(data);
    }

    /** Compares lengths, then the bytes themselves in constant time with respect to their content. */
    public boolean constantTimeEquals(Bytes other) {
        return java.security.MessageDigest.isEqual(data, other.data);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Bytes b && Arrays.equals(data, b.data));
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(data);
            hash = h;
        }
        return h;
    }

    @Override
    public int compareTo(Bytes o) {
        return Arrays.compareUnsigned(data, o.data);
    }

    /** Hexadecimal, prefixed with {@code 0x}; {@code 0x} alone when empty. */
    @Override
    public String toString() {
        return "0x" + hex();
    }
}
