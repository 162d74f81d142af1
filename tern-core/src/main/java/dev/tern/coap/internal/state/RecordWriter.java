package dev.tern.coap.internal.state;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Writes the fields of a state record: big-endian integers, length-prefixed byte strings. */
public final class RecordWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    /** One unsigned byte. */
    public RecordWriter u8(int v) {
        out.write(v);
        return this;
    }

    /** Two bytes. */
    public RecordWriter u16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    /** Four bytes. */
    public RecordWriter u32(long v) {
        u16((int) (v >>> 16));
        return u16((int) v);
    }

    /** Eight bytes. */
    public RecordWriter u64(long v) {
        u32(v >>> 32);
        return u32(v & 0xFFFFFFFFL);
    }

    /** A byte string of at most {@code 0xFFFF} bytes, after its two-byte length. */
    public RecordWriter bytes16(byte[] b) {
        if (b.length > 0xFFFF) {
            throw new IllegalArgumentException("field too long for a state record: " + b.length);
        }
        u16(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    /** A byte string after its four-byte length. */
    public RecordWriter bytes32(byte[] b) {
        u32(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    /** A UTF-8 string of at most {@code 0xFFFF} bytes. */
    public RecordWriter string(String s) {
        return bytes16(s.getBytes(StandardCharsets.UTF_8));
    }

    /** An IPv4 or IPv6 address and port (the address must be resolved). */
    public RecordWriter address(InetSocketAddress a) {
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address in a state record: " + a);
        }
        byte[] ip = a.getAddress().getAddress();
        u8(ip.length);
        out.write(ip, 0, ip.length);
        return u16(a.getPort());
    }

    /** The bytes written. */
    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
