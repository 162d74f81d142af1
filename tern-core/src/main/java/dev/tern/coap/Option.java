package dev.tern.coap;

import java.nio.charset.StandardCharsets;

/**
 * One option instance: a number and its raw value (RFC 7252 §3.1, §5.4).
 *
 * @param number the option number, 0..65535
 * @param value the value bytes as on the wire
 */
public record Option(int number, Bytes value) {
    private static final byte[] NO_BYTES = new byte[0];

    /** Validates the number range. */
    public Option {
        if (number < 0 || number > OptionNumber.MAX) {
            throw new IllegalArgumentException("option number out of range: " + number);
        }
        java.util.Objects.requireNonNull(value, "value");
    }

    /** An option with a UTF-8 string value. */
    public static Option ofString(int number, String value) {
        return new Option(number, Bytes.utf8(value));
    }

    /** An option with an unsigned integer value, encoded in the fewest bytes (RFC 7252 §3.2). */
    public static Option ofUint(int number, long value) {
        return new Option(number, Bytes.wrap(encodeUint(value)));
    }

    /** An empty option such as If-None-Match. */
    public static Option ofEmpty(int number) {
        return new Option(number, Bytes.EMPTY);
    }

    /** The value decoded as UTF-8. */
    public String stringValue() {
        return value.utf8();
    }

    /** The value decoded as an unsigned integer (up to 8 bytes; leading zero bytes are tolerated). */
    public long uintValue() {
        long v = 0;
        int n = Math.min(value.length(), 8);
        for (int i = value.length() - n; i < value.length(); i++) {
            v = v << 8 | (value.get(i) & 0xFF);
        }
        return v;
    }

    /** Encodes {@code value} as a minimal-length unsigned integer (0 becomes zero bytes). */
    public static byte[] encodeUint(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative uint: " + value);
        }
        if (value == 0) {
            return NO_BYTES; // nothing to write into: safe to share
        }
        int len = (64 - Long.numberOfLeadingZeros(value) + 7) / 8;
        byte[] b = new byte[len];
        for (int i = len - 1; i >= 0; i--) {
            b[i] = (byte) value;
            value >>>= 8;
        }
        return b;
    }

    /**
     * Human-readable form: {@code Uri-Path:"hello"}, {@code Content-Format:0}, {@code ETag:0x1234};
     * Block1 and Block2 decoded as NUM/M/size (RFC 7959 §2.2), {@code Block2:2/M/256} while more
     * blocks follow, {@code Block2:3/_/256} for the last.
     */
    @Override
    public String toString() {
        String name = OptionNumber.name(number);
        if (number == OptionNumber.BLOCK1 || number == OptionNumber.BLOCK2) {
            java.util.Optional<Block> b = Block.fromOption(this);
            if (b.isPresent()) {
                return name + ":" + b.get().num() + (b.get().more() ? "/M/" : "/_/")
                        + (b.get().isBert() ? "BERT" : String.valueOf(b.get().size()));
            }
        }
        switch (OptionNumber.format(number)) {
            case EMPTY:
                return name;
            case UINT:
                return name + ":" + uintValue();
            case STRING:
                return name + ":\"" + new String(value.toArray(), StandardCharsets.UTF_8) + "\"";
            default:
                return name + ":" + value;
        }
    }
}
