package dev.tern.coap;

import java.util.Optional;

/**
 * The value of a Block1 or Block2 option (RFC 7959 §2.2): the block number, the "more" flag and
 * the size exponent. The block size is {@code 2^(SZX + 4)}, 16 to 1024 bytes; SZX 7 is reserved
 * (RFC 7959 §2.2; BERT in RFC 8323 only) and invalid over UDP.
 *
 * <p>On the wire the value is an unsigned integer of 0 to 3 bytes:
 * {@code NUM << 4 | M << 3 | SZX}.
 *
 * @param num the block number NUM, 0 to 2^20 - 1 (RFC 7959 §2.2)
 * @param more the M bit: more blocks follow (descriptive usage) or, in a response to a Block1
 *        request, the server holds the body until the last block (control usage, §2.3)
 * @param szx the size exponent SZX, 0 (16 bytes) to 6 (1024 bytes)
 */
public record Block(int num, boolean more, int szx) {
    /** The largest block number that fits the 3-byte option value (RFC 7959 §2.2). */
    public static final int MAX_NUM = (1 << 20) - 1;
    /** The largest valid SZX over UDP, 6 (1024-byte blocks); 7 is reserved (RFC 7959 §2.2). */
    public static final int MAX_SZX = 6;

    /** Validates the ranges. */
    public Block {
        if (num < 0 || num > MAX_NUM) {
            throw new IllegalArgumentException("block number must be 0.." + MAX_NUM + ": " + num);
        }
        if (szx < 0 || szx > MAX_SZX) {
            throw new IllegalArgumentException("SZX must be 0..6 (RFC 7959 §2.2): " + szx);
        }
    }

    /** A block of {@code size} bytes (a power of two from 16 to 1024). */
    public static Block ofSize(int num, boolean more, int size) {
        return new Block(num, more, szx(size));
    }

    /**
     * The SZX of a block size (RFC 7959 §2.2).
     *
     * @throws IllegalArgumentException unless {@code size} is a power of two from 16 to 1024
     */
    public static int szx(int size) {
        if (size < 16 || size > 1024 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("block size must be a power of two from 16 to 1024: " + size);
        }
        return Integer.numberOfTrailingZeros(size) - 4;
    }

    /** Whether {@code size} is a valid block size: a power of two from 16 to 1024 (RFC 7959 §2.2). */
    public static boolean isValidSize(int size) {
        return size >= 16 && size <= 1024 && Integer.bitCount(size) == 1;
    }

    /** The block size in bytes, {@code 2^(SZX + 4)} (RFC 7959 §2.2). */
    public int size() {
        return 1 << (szx + 4);
    }

    /** The offset of this block in the body, {@code NUM * size} (RFC 7959 §2.2). */
    public int offset() {
        return num * size();
    }

    /** The option value as an unsigned integer, {@code NUM << 4 | M << 3 | SZX} (RFC 7959 §2.2). */
    public long value() {
        return (long) num << 4 | (more ? 8 : 0) | szx;
    }

    /** This block as a Block1 or Block2 option ({@code number}), in the fewest bytes (RFC 7959 §2.2). */
    public Option toOption(int number) {
        return Option.ofUint(number, value());
    }

    /**
     * Decodes an option value (RFC 7959 §2.2).
     *
     * @return empty when the value is invalid: SZX 7, or a block number beyond 3 bytes
     */
    public static Optional<Block> fromValue(long value) {
        int szx = (int) (value & 7);
        long num = value >>> 4;
        if (szx > MAX_SZX || num > MAX_NUM || value < 0) {
            return Optional.empty();
        }
        return Optional.of(new Block((int) num, (value & 8) != 0, szx));
    }

    /**
     * Decodes a Block1 or Block2 option (RFC 7959 §2.2).
     *
     * @return empty when the value is longer than 3 bytes or invalid (SZX 7)
     */
    public static Optional<Block> fromOption(Option option) {
        return option.value().length() > 3 ? Optional.empty() : fromValue(option.uintValue());
    }

    /** {@code 2/1/64}: NUM, M, size, as in RFC 7959's figures. */
    @Override
    public String toString() {
        return num + "/" + (more ? 1 : 0) + "/" + size();
    }
}
