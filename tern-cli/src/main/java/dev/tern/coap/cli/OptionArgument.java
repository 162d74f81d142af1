package dev.tern.coap.cli;

import dev.tern.coap.Bytes;
import dev.tern.coap.Option;
import dev.tern.coap.OptionFormat;
import dev.tern.coap.OptionNumber;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code -O num,value} as libcoap's coap-client does. The number may also be a registered
 * name ({@code If-None-Match}, case-insensitive). The value is hex when it starts with {@code 0x},
 * a decimal unsigned integer when the option is registered as uint, and UTF-8 text otherwise;
 * without {@code ,value} the option is empty.
 */
public final class OptionArgument implements ITypeConverter<Option> {
    @Override
    public Option convert(String value) {
        return parse(value);
    }

    /** Parses one {@code -O} argument; throws {@link TypeConversionException} when malformed. */
    public static Option parse(String argument) {
        int comma = argument.indexOf(',');
        String key = (comma < 0 ? argument : argument.substring(0, comma)).trim();
        String value = comma < 0 ? "" : argument.substring(comma + 1);
        int number = number(key, argument);
        if (value.length() >= 2 && value.regionMatches(true, 0, "0x", 0, 2)) {
            try {
                return new Option(number, Bytes.fromHex(value.substring(2)));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("bad hex value in option '" + argument + "'");
            }
        }
        if (OptionNumber.format(number) == OptionFormat.UINT) {
            if (value.isEmpty()) {
                return new Option(number, Bytes.EMPTY);
            }
            try {
                long v = Long.parseLong(value.trim());
                if (v < 0) {
                    throw new NumberFormatException();
                }
                return Option.ofUint(number, v);
            } catch (NumberFormatException e) {
                throw new TypeConversionException(OptionNumber.name(number)
                        + " takes an unsigned integer (or 0x hex): '" + argument + "'");
            }
        }
        return Option.ofString(number, value);
    }

    private static int number(String key, String argument) {
        if (key.isEmpty()) {
            throw new TypeConversionException("option must be num,value: '" + argument + "'");
        }
        if (key.chars().allMatch(Character::isDigit)) {
            try {
                int n = Integer.parseInt(key);
                if (n <= OptionNumber.MAX) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
            throw new TypeConversionException("option number out of range 0..65535: '" + argument + "'");
        }
        String wanted = key.toLowerCase(Locale.ROOT);
        for (int n = 0; n <= OptionNumber.REQUEST_TAG; n++) {
            if (OptionNumber.isKnown(n) && OptionNumber.name(n).toLowerCase(Locale.ROOT).equals(wanted)) {
                return n;
            }
        }
        throw new TypeConversionException("unknown option '" + key + "' (use its number, e.g. -O 15,a=1)");
    }

    /** {@code value} without a leading {@code 0x} or {@code 0X}. */
    static String stripHexPrefix(String value) {
        return value.length() >= 2 && value.regionMatches(true, 0, "0x", 0, 2) ? value.substring(2) : value;
    }
}
