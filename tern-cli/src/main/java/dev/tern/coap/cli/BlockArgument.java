package dev.tern.coap.cli;

import dev.tern.coap.Block;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code -b SIZE} (block size for the whole transfer) or {@code -b NUM,SIZE} (only block NUM),
 * as libcoap's coap-client reads it (RFC 7959).
 *
 * @param num the block to ask for, or -1 for the whole body
 * @param size the block size, a power of two from 16 to 1024
 */
record BlockArgument(int num, int size) {
    /** The picocli converter. */
    static final class Converter implements ITypeConverter<BlockArgument> {
        @Override
        public BlockArgument convert(String value) {
            String[] parts = value.trim().split(",", -1);
            if (parts.length > 2) {
                throw new TypeConversionException("expected SIZE or NUM,SIZE: '" + value + "'");
            }
            int size = number(parts[parts.length - 1], value);
            int num = parts.length == 2 ? number(parts[0], value) : -1;
            if (!Block.isValidSize(size)) {
                throw new TypeConversionException("block size must be 16, 32, 64, 128, 256, 512 or 1024: '" + value + "'");
            }
            if (num > Block.MAX_NUM) {
                throw new TypeConversionException("block number above " + Block.MAX_NUM + ": '" + value + "'");
            }
            return new BlockArgument(num, size);
        }

        private static int number(String s, String value) {
            try {
                int n = Integer.parseInt(s.trim());
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new TypeConversionException("expected SIZE or NUM,SIZE: '" + value + "'");
            }
        }
    }
}
