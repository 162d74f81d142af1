package dev.tern.coap.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.coap.Bytes;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.internal.codec.OptionValidator;
import java.util.ArrayList;
import java.util.List;

/**
 * The option checks of RFC 7252 §5.4 never throw on any set of options, and dropping the bad elective
 * ones leaves a set without critical problems it did not have.
 */
class OptionValidatorFuzzTest {
    /** Mostly registered numbers, so that the length and repetition rules are reached. */
    private static final int[] KNOWN = {
        OptionNumber.IF_MATCH, OptionNumber.URI_HOST, OptionNumber.ETAG, OptionNumber.IF_NONE_MATCH,
        OptionNumber.OBSERVE, OptionNumber.URI_PORT, OptionNumber.LOCATION_PATH, OptionNumber.URI_PATH,
        OptionNumber.CONTENT_FORMAT, OptionNumber.MAX_AGE, OptionNumber.URI_QUERY, OptionNumber.ACCEPT,
        OptionNumber.LOCATION_QUERY, OptionNumber.BLOCK2, OptionNumber.BLOCK1, OptionNumber.SIZE2,
        OptionNumber.PROXY_URI, OptionNumber.PROXY_SCHEME, OptionNumber.SIZE1, OptionNumber.ECHO,
        OptionNumber.NO_RESPONSE, OptionNumber.REQUEST_TAG, OptionNumber.HOP_LIMIT, OptionNumber.OSCORE,
        OptionNumber.EDHOC, OptionNumber.Q_BLOCK1, OptionNumber.Q_BLOCK2,
    };

    @FuzzTest
    void validate(FuzzedDataProvider data) {
        int count = data.consumeInt(0, 12);
        List<Option> list = new ArrayList<>(count);
        for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
            int number = data.consumeBoolean() ? data.pickValue(KNOWN) : data.consumeInt(0, OptionNumber.MAX);
            byte[] value = data.consumeBytes(data.consumeInt(0, 300));
            list.add(new Option(number, Bytes.wrap(value)));
        }
        Options options = Options.of(list);
        boolean criticalBad = OptionValidator.firstBadCriticalOption(options).isPresent();
        Options cleaned = OptionValidator.withoutBadElectiveOptions(options);
        OptionValidator.hasInvalidUtf8(options);
        OptionValidator.hasInvalidUtf8(cleaned);
        if (cleaned.size() > options.size()) {
            throw new AssertionError("cleaning added options: " + options + " -> " + cleaned);
        }
        if (!criticalBad && OptionValidator.firstBadCriticalOption(cleaned).isPresent()) {
            throw new AssertionError("cleaning made a critical option bad: " + options + " -> " + cleaned);
        }
        if (OptionValidator.withoutBadElectiveOptions(cleaned).size() != cleaned.size()) {
            throw new AssertionError("cleaning is not idempotent: " + options);
        }
    }
}
