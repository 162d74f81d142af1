package dev.tern.coap.cli;

import dev.tern.coap.ContentFormat;
import java.util.OptionalInt;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code -t}/{@code -A}: a number, a media type, or a short name such as {@code json}. */
public final class ContentFormatConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        OptionalInt f = ContentFormat.parse(value);
        if (f.isEmpty()) {
            throw new TypeConversionException("unknown content format '" + value
                    + "' (use a number 0..65535 or text, json, cbor, link, xml, binary, ...)");
        }
        return f.getAsInt();
    }
}
