package dev.tern.coap.internal.state;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what {@link RecordWriter} wrote, strictly: every length is checked against the bytes that
 * remain before anything is allocated, so a forged length claim fails with a
 * {@link StateFormatException} instead of allocating what it claims.
 */
public final class RecordReader {
    private final byte[] data;
    private final int end;
    private int pos;

    /** Reads {@code data[offset, offset + length)}. */
    public RecordReader(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new IllegalArgumentException("range outside the array");
        }
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
    }

    /** Reads all of {@code data}. */
    public RecordReader(byte[] data) {
        this(data, 0, data.length);
    }

    private void need(int n) {
        if (n < 0 || end - pos < n) {
            throw new StateFormatException("truncated at offset " + pos + ": " + n + " more bytes claimed, "
                    + (end - pos) + " left");
        }
    }

    /** One unsigned byte. */
    public int u8() {
        need(1);
        return data[pos++] & 0xFF;
    }

    /** Two bytes, unsigned. */
    public int u16() {
        need(2);
        int v = (data[pos] & 0xFF) << 8 | data[pos + 1] & 0xFF;
        pos += 2;
        return v;
    }

    /** Four bytes, unsigned. */
    public long u32() {
        return (long) u16() << 16 | u16();
    }

    /** Eight bytes. */
    public long u64() {
        return u32() << 32 | u32();
    }

    /** A byte string after its two-byte length. */
    public byte[] bytes16() {
        return take(u16());
    }

    /** A byte string after its four-byte length, of at most {@code max} bytes. */
    public byte[] bytes32(int max) {
        long n = u32();
        if (n > max) {
            throw new StateFormatException("field of " + n + " bytes at offset " + (pos - 4) + " over the bound " + max);
        }
        return take((int) n);
    }

    /** {@code n} bytes (checked against what remains first). */
    public byte[] take(int n) {
        need(n);
        byte[] b = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return b;
    }

    /** A UTF-8 string after its two-byte length; malformed UTF-8 is rejected. */
    public String string() {
        byte[] b = bytes16();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new StateFormatException("malformed UTF-8 at offset " + (pos - b.length));
        }
    }

    /** An address and port as {@link RecordWriter#address} wrote it. */
    public InetSocketAddress address() {
        int n = u8();
        if (n != 4 && n != 16) {
            throw new StateFormatException("address of " + n + " bytes at offset " + (pos - 1));
        }
        byte[] ip = take(n);
        int port = u16();
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new StateFormatException("bad address at offset " + (pos - n - 2));
        }
    }

    /** Bytes not read yet. */
    public int remaining() {
        return end - pos;
    }

    /** Fails unless every byte was read. */
    public void expectEnd() {
        if (pos != end) {
            throw new StateFormatException((end - pos) + " trailing bytes at offset " + pos);
        }
    }
}
