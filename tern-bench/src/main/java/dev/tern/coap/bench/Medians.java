package dev.tern.coap.bench;

import java.util.Arrays;
import java.util.Collection;

/** Medians of measurements: the middle value, or the mean of the two middle ones for an even count. */
final class Medians {
    private Medians() {
    }

    /** The median of {@code values} (not changed); NaN for none. */
    static double of(double... values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** The median of {@code values}; NaN for none. */
    static double of(Collection<Double> values) {
        return of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
