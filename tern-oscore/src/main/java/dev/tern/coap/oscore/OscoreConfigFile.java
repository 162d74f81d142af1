package dev.tern.coap.oscore;

import dev.tern.coap.Bytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * Reads libcoap's OSCORE configuration format (coap-oscore-conf(5)), so that one file serves
 * {@code coap-client -E}, {@code coap-server -E} and Tern: lines {@code keyword,type,value} with
 * types {@code ascii}, {@code hex}, {@code integer} and {@code bool}; {@code #} starts a comment.
 * Keywords: {@code master_secret}, {@code master_salt}, {@code id_context}, {@code sender_id},
 * {@code recipient_id}, {@code replay_window}, {@code ssn_freq} (the K of RFC 8613 Appendix B.1.1),
 * {@code aead_alg} (a COSE number), {@code hkdf_alg} (-10, HKDF SHA-256, only),
 * {@code rfc8613_b_1_2} (Echo after a start, Appendix B.1.2) and {@code rfc8613_b_2} (context
 * re-derivation, Appendix B.2: {@link SecurityContext.Builder#rederivable}). Error messages name the line, never a value.
 */
public final class OscoreConfigFile {
    private OscoreConfigFile() {
    }

    /** Reads {@code file} into a builder (add a sequence number store, then build). */
    public static SecurityContext.Builder read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the OSCORE configuration " + file, e);
        }
    }

    /** Parses configuration text into a builder. */
    public static SecurityContext.Builder parse(String text) {
        SecurityContext.Builder b = SecurityContext.builder();
        Set<String> seen = new HashSet<>();
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(",", 3);
            if (parts.length != 3) {
                throw error(n, "expected keyword,type,value");
            }
            String keyword = parts[0].strip().toLowerCase(Locale.ROOT);
            String type = parts[1].strip().toLowerCase(Locale.ROOT);
            String value = parts[2].strip();
            if (!seen.add(keyword)) {
                throw error(n, "repeated " + keyword + " (several recipients are not supported yet)");
            }
            apply(b, keyword, type, value, n);
        }
        for (String required : new String[] {"master_secret", "sender_id", "recipient_id"}) {
            if (!seen.contains(required)) {
                throw new IllegalArgumentException("OSCORE configuration lacks " + required);
            }
        }
        return b;
    }

    private static void apply(SecurityContext.Builder b, String keyword, String type, String value, int n) {
        switch (keyword) {
            case "master_secret":
                b.masterSecret(bytes(type, value, n));
                break;
            case "master_salt":
                b.masterSalt(bytes(type, value, n));
                break;
            case "id_context":
                b.idContext(bytes(type, value, n));
                break;
            case "sender_id":
                b.senderId(bytes(type, value, n));
                break;
            case "recipient_id":
                b.recipientId(bytes(type, value, n));
                break;
            case "replay_window":
                b.replayWindow((int) integer(type, value, n));
                break;
            case "ssn_freq":
                b.persistenceStep((int) integer(type, value, n));
                break;
            case "aead_alg":
                long id = integer(type, value, n);
                b.algorithm(AeadAlgorithm.fromCoseId((int) id)
                        .orElseThrow(() -> error(n, "unsupported aead_alg " + id)));
                break;
            case "hkdf_alg":
                if (integer(type, value, n) != -10) {
                    throw error(n, "only hkdf_alg -10 (HKDF SHA-256) is supported");
                }
                break;
            case "rfc8613_b_1_2":
                b.echoAfterStart(bool(type, value, n));
                break;
            case "rfc8613_b_2":
                b.rederivable(bool(type, value, n));
                break;
            default:
                throw error(n, "unknown keyword " + keyword);
        }
    }

    private static Bytes bytes(String type, String value, int n) {
        String v = unquote(value, n);
        switch (type) {
            case "hex":
                try {
                    return Bytes.wrap(HexFormat.of().parseHex(v));
                } catch (IllegalArgumentException e) {
                    throw error(n, "not hexadecimal");
                }
            case "ascii":
            case "text":
                return Bytes.wrap(v.getBytes(StandardCharsets.US_ASCII));
            default:
                throw error(n, "type must be hex or ascii");
        }
    }

    private static long integer(String type, String value, int n) {
        if (!type.equals("integer")) {
            throw error(n, "type must be integer");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw error(n, "not an integer");
        }
    }

    private static boolean bool(String type, String value, int n) {
        if (!type.equals("bool") || !(value.equals("true") || value.equals("false"))) {
            throw error(n, "expected bool,true or bool,false");
        }
        return value.equals("true");
    }

    private static String unquote(String value, int n) {
        if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
            throw error(n, "value must be in double quotes");
        }
        return value.substring(1, value.length() - 1);
    }

    private static IllegalArgumentException error(int line, String what) {
        return new IllegalArgumentException("OSCORE configuration line " + (line + 1) + ": " + what);
    }
}
