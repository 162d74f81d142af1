package dev.tern.coap;

import java.util.Optional;

/**
 * The value of a Block1 or Block2 option (RFC 7959 §2.2): the block number, the "more" flag and
 * the size exponent. The block size is {@code 2^(SZX + 4)}, 16 to 1024 bytes. SZX 7 is reserved in
 * RFC 7959 §2.2 and means BERT in RFC 8323 §6: over a reliable transport where both sides
 * announced Block-Wise-Transfer, a block of one or more 1024-byte units ({@link #isBert()}); NUM
 * then counts 1024-byte units, so {@link #size()} is 1024 and {@link #offset()} stays
 * {@code NUM * 1024}. The engine refuses SZX 7 elsewhere (4.00).
 *
 * <p>On the wire the value is an unsigned integer of 0 to 3 bytes:
 * {@code NUM << 4 | M << 3 | SZX}.
 *
 * @param num the block number NUM, 0 to 2^20 - 1 (RFC 7959 §2.2)
 * @param more the M bit: more blocks follow (descriptive usage) or, in a response to a Block1
 *        request, the server holds the body until the last block (control usage, §2.3)
 * @param szx the size exponent SZX, 0 (16 bytes) to 6 (1024 bytes), or 7 for BERT (RFC 8323 §6)
 */
public record Block(int num, boolean more, int szx) {
    /** The largest block number that fits the 3-byte option value (RFC 7959 §2.2). */
    public static final int MAX_NUM = (1 << 20) - 1;
    /** The largest valid SZX over UDP, 6 (1024-byte blocks); 7 is reserved (RFC 7959 §2.2). */
    public static final int MAX_SZX = 6;
    /** The SZX of a BERT block (RFC 8323 §6): one or more 1024-byte units. */
    public static final int BERT_SZX = 7;

    /** Validates the ranges. */
    public Block {
        if (num < 0 || num > MAX_NUM) {
            throw new IllegalArgumentException("block number must be 0.." + MAX_NUM + ": " + num);
        }
        if (szx < 0 || szx > BERT_SZX) {
            throw new IllegalArgumentException("SZX must be 0..6, or 7 for BERT (RFC 7959 §2.2, RFC 8323 §6): "
                    + szx);
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

    /**
     * The block size in bytes, {@code 2^(SZX + 4)} (RFC 7959 §2.2); 1024 for BERT, the unit NUM
     * counts (RFC 8323 §6).
     */
    public int size() {
        return 1 << (Math.min(szx, MAX_SZX) + 4);
    }

    /** Whether this is a BERT block (SZX 7, RFC 8323 §6): its payload is a multiple of 1024 bytes, the last one any size. */
    public boolean isBert() {
        return szx == BERT_SZX;
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
     * @return empty when the value is invalid: a block number beyond 3 bytes; SZX 7 decodes as
     *         BERT ({@link #isBert()}), which the caller accepts only where RFC 8323 §6 allows it
     */
    public static Optional<Block> fromValue(long value) {
        int szx = (int) (value & 7);
        long num = value >>> 4;
        if (num > MAX_NUM || value < 0) {
            return Optional.empty();
        }
        return Optional.of(new Block((int) num, (value & 8) != 0, szx));
    }

    /**
     * Decodes a Block1 or Block2 option (RFC 7959 §2.2).
     *
     * @return empty when the value is longer than 3 bytes or invalid
     */
    public static Optional<Block> fromOption(Option option) {
        return option.value().length() > 3 ? Optional.empty() : fromValue(option.uintValue());
    }

    /** {@code 2/1/64}: NUM, M, size, as in RFC 7959's figures; {@code 3/1/BERT} for SZX 7. */
    @Override
    public String toString() {
        return num + "/" + (more ? 1 : 0) + "/" + (isBert() ? "BERT" : String.valueOf(size()));
    }
}
