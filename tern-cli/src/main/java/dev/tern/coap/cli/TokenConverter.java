package dev.tern.coap.cli;

import dev.tern.coap.Bytes;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code -T}: a token in hex, with or without {@code 0x}: 0 to 8 bytes (RFC 7252 §5.3.1) or an
 * extended token of 13 to 65 804 bytes (RFC 8974 §2.1; 9 to 12 bytes have no encoding).
 */
public final class TokenConverter implements ITypeConverter<Bytes> {
    @Override
    public Bytes convert(String value) {
        String hex = OptionArgument.stripHexPrefix(value);
        Bytes token;
        try {
            token = Bytes.fromHex(hex);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("token must be hex digits, e.g. 0x4a2f: '" + value + "'");
        }
        int n = token.length();
        if (n > 8 && (n < 13 || n > 65_804)) {
            throw new TypeConversionException("a token has 0 to 8 bytes, or 13 to 65804 as an extended token"
                    + " (RFC 8974 §2.1), not " + n + ": '" + value + "'");
        }
        return token;
    }
}
