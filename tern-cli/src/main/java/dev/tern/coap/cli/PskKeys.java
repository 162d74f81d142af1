package dev.tern.coap.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Pre-shared keys as the command line gives them ({@code -k KEY}, {@code --psk-file}): text (its
 * UTF-8 bytes, as libcoap's {@code -k} takes it), {@code 0x...} or {@code hex:...} for hex, or
 * {@code @FILE} for a file holding a key in one of those forms (a trailing newline is stripped).
 * Mistakes are {@link UsageException}s; no message ever contains key material.
 */
final class PskKeys {
    private PskKeys() {
    }

    /** The key bytes {@code spec} stands for; {@code what} names the option in messages. */
    static byte[] parse(String spec, String what) {
        String text = spec;
        if (spec.startsWith("@")) {
            String file = spec.substring(1);
            if (file.isEmpty()) {
                throw new UsageException(what + ": @ needs a file name");
            }
            text = stripNewline(read(Path.of(file), what));
        }
        byte[] key = decode(text, what);
        if (key.length == 0) {
            throw new UsageException(what + ": the pre-shared key is empty");
        }
        return key;
    }

    /**
     * The identities and keys of a PSK file: one {@code identity:KEY} per line (the identity ends at
     * the first colon), blank lines and lines starting with {@code #} ignored.
     */
    static Map<String, byte[]> file(Path file) {
        String what = "--psk-file " + file;
        Map<String, byte[]> keys = new LinkedHashMap<>();
        String[] lines = read(file, "--psk-file").split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new UsageException(what + " line " + (i + 1) + ": expected identity:key");
            }
            String identity = line.substring(0, colon);
            byte[] key = parse(line.substring(colon + 1), what + " line " + (i + 1));
            if (keys.put(identity, key) != null) {
                throw new UsageException(what + " line " + (i + 1) + ": identity '" + identity + "' given twice");
            }
        }
        if (keys.isEmpty()) {
            throw new UsageException(what + ": no identity:key line");
        }
        return keys;
    }

    private static byte[] decode(String text, String what) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.startsWith("0x")) {
            return hex(text.substring(2), what);
        }
        if (lower.startsWith("hex:")) {
            return hex(text.substring(4), what);
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hex(String digits, String what) {
        if (digits.length() % 2 != 0) {
            throw new UsageException(what + ": a hex key needs an even number of digits");
        }
        byte[] out = new byte[digits.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(digits.charAt(2 * i), 16);
            int lo = Character.digit(digits.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new UsageException(what + ": not a hex key (digits 0-9, a-f after 0x or hex:)");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    private static String stripNewline(String s) {
        if (s.endsWith("\r\n")) {
            return s.substring(0, s.length() - 2);
        }
        if (s.endsWith("\n")) {
            return s.substring(0, s.length() - 1);
        }
        return s;
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException(what + ": no such file: " + file);
        } catch (IOException e) {
            throw new UsageException(what + ": cannot read " + file + ": " + e.getMessage());
        }
    }
}
