package dev.tern.coap.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code -B}: a positive number of seconds, fractions allowed ({@code 0.5}). */
public final class SecondsConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        double s;
        try {
            s = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("not a number of seconds: '" + value + "'");
        }
        if (!(s > 0) || Double.isInfinite(s) || s > 86_400 * 365) {
            throw new TypeConversionException("seconds must be positive: '" + value + "'");
        }
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
