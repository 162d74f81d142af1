package dev.tern.coap.cli;

import dev.tern.coap.Bytes;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code -T}: a token of 0 to 8 bytes in hex, with or without {@code 0x}. */
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
        if (token.length() > 8) {
            throw new TypeConversionException("token longer than 8 bytes (RFC 7252 §5.3.1): '" + value + "'");
        }
        return token;
    }
}
