package dev.tern.coap.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code --max-body}: a number of bytes with an optional binary suffix, {@code 200k},
 * {@code 16M}, {@code 1g} ({@code k}/{@code KiB} = 1024 bytes), from 1 byte to 1 GiB.
 */
public final class SizeConverter implements ITypeConverter<Integer> {
    private static final long MAX = 1L << 30;

    @Override
    public Integer convert(String value) {
        String t = value.trim().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < t.length() && Character.isDigit(t.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 12) {
            throw new TypeConversionException("not a size: '" + value + "' (use e.g. 65536, 200k, 16M)");
        }
        long n = Long.parseLong(t.substring(0, end));
        long unit = switch (t.substring(end)) {
            case "", "b" -> 1;
            case "k", "kb", "kib" -> 1024;
            case "m", "mb", "mib" -> 1024 * 1024;
            case "g", "gb", "gib" -> 1024 * 1024 * 1024;
            default -> throw new TypeConversionException("not a size: '" + value + "' (use e.g. 65536, 200k, 16M)");
        };
        long bytes = n * unit;
        if (bytes < 1 || bytes > MAX) {
            throw new TypeConversionException("size must be from 1 byte to 1G: '" + value + "'");
        }
        return (int) bytes;
    }
}
