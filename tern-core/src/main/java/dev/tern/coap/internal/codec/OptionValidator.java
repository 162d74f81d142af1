package dev.tern.coap.internal.codec;

import dev.tern.coap.Bytes;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies the option rules of RFC 7252 §5.4 to decoded options. Pure; the engine decides what to answer.
 *
 * <ul>
 *   <li>§5.4.1: an unrecognized critical (odd) option rejects the message; unrecognized elective (even)
 *       options are silently ignored by the engine, but kept here so the application may read them.</li>
 *   <li>§5.4.3: a recognized option whose value length is outside its definition's range is treated like
 *       an unrecognized option.</li>
 *   <li>§5.4.5: each subsequent occurrence of a non-repeatable option is treated like an unrecognized
 *       option.</li>
 * </ul>
 */
public final class OptionValidator {
    private OptionValidator() {
    }

    /**
     * The first critical option that must make the message be rejected (4.02 Bad Option for a CON request,
     * RST otherwise), as a diagnostic; empty when every critical option is acceptable.
     */
    public static Optional<String> firstBadCriticalOption(Options options) {
        int previous = -1;
        for (int i = 0, n = options.size(); i < n; i++) {
            Option o = options.get(i);
            int number = o.number();
            boolean repeated = number == previous;
            previous = number;
            if (!OptionNumber.isCritical(number)) {
                continue;
            }
            Optional<OptionNumber.Definition> d = OptionNumber.definition(number);
            if (d.isEmpty()) {
                return Optional.of("unrecognized critical option " + number);
            }
            OptionNumber.Definition def = d.get();
            if (repeated && !def.repeatable()) {
                return Optional.of("repeated option " + def.name());
            }
            int len = o.value().length();
            if (!def.acceptsLength(len)) {
                return Optional.of("option " + def.name() + " length " + len + " out of range "
                        + def.minLength() + ".." + def.maxLength());
            }
        }
        return Optional.empty();
    }

    /**
     * The options without the elective ones that must be ignored: recognized elective options with an
     * out-of-range length (§5.4.3) and every occurrence but the first of a non-repeatable elective option
     * (§5.4.5). Unrecognized elective options and all critical options are kept. Returns {@code options}
     * itself when nothing is dropped.
     */
    public static Options withoutBadElectiveOptions(Options options) {
        List<Option> kept = null;
        int previous = -1;
        for (int i = 0, n = options.size(); i < n; i++) {
            Option o = options.get(i);
            int number = o.number();
            boolean repeated = number == previous;
            previous = number;
            if (isBadElective(o, repeated)) {
                if (kept == null) {
                    kept = new ArrayList<>(n);
                    for (int j = 0; j < i; j++) {
                        kept.add(options.get(j));
                    }
                }
            } else if (kept != null) {
                kept.add(o);
            }
        }
        return kept == null ? options : Options.of(kept);
    }

    private static boolean isBadElective(Option o, boolean repeated) {
        int number = o.number();
        if (!OptionNumber.isElective(number)) {
            return false;
        }
        Optional<OptionNumber.Definition> d = OptionNumber.definition(number);
        if (d.isEmpty()) {
            return false;
        }
        OptionNumber.Definition def = d.get();
        return (repeated && !def.repeatable()) || !def.acceptsLength(o.value().length());
    }

    /**
     * Whether a Uri-Host, Uri-Path, Uri-Query, Location-Path or Location-Query value is not well-formed
     * UTF-8 (overlong forms, surrogates, truncated sequences and the like); the engine answers 4.00.
     */
    public static boolean hasInvalidUtf8(Options options) {
        CharsetDecoder decoder = null;
        for (int i = 0, n = options.size(); i < n; i++) {
            Option o = options.get(i);
            if (!isCheckedString(o.number())) {
                continue;
            }
            Bytes v = o.value();
            if (isAscii(v)) {
                continue;
            }
            if (decoder == null) {
                decoder = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
            } else {
                decoder.reset();
            }
            try {
                decoder.decode(ByteBuffer.wrap(v.toArray()));
            } catch (CharacterCodingException e) {
                return true;
            }
        }
        return false;
    }

    private static boolean isCheckedString(int number) {
        return number == OptionNumber.URI_HOST || number == OptionNumber.URI_PATH
                || number == OptionNumber.URI_QUERY || number == OptionNumber.LOCATION_PATH
                || number == OptionNumber.LOCATION_QUERY;
    }

    private static boolean isAscii(Bytes v) {
        for (int i = 0, n = v.length(); i < n; i++) {
            if (v.get(i) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the first Hop-Limit option says 0 (RFC 8768 §3: the value is 1..255), either as one
     * 0x00 byte or as the empty uint encoding of 0 (which §5.4.3 alone would let pass as an
     * elective option out of range, hiding a loop): the request is answered 4.00.
     */
    public static boolean hasZeroHopLimit(Options options) {
        for (int i = 0, n = options.size(); i < n; i++) {
            Option o = options.get(i);
            if (o.number() == OptionNumber.HOP_LIMIT) {
                Bytes v = o.value();
                return v.isEmpty() || (v.length() == 1 && v.get(0) == 0);
            }
            if (o.number() > OptionNumber.HOP_LIMIT) {
                return false; // options are in number order
            }
        }
        return false;
    }
}
