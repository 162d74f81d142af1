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
 * Pre-shared keys (RFC 4279) as the command line gives them ({@code -k KEY}, {@code --psk-file}):
 * text (its UTF-8 bytes, as libcoap's {@code -k} takes it), {@code 0x...} or {@code hex:...} for
 * hex, {@code @FILE} for a file holding a key in one of those forms (a trailing newline is
 * stripped), or {@code env:VAR} for an environment variable holding one. Files holding keys are
 * checked by {@link KeyHygiene}. Mistakes are {@link UsageException}s; no message ever contains
 * key material.
 */
final class PskKeys {
    private PskKeys() {
    }

    /** The key bytes {@code spec} stands for; {@code what} names the option in messages. */
    static byte[] parse(String spec, String what) {
        return parse(spec, what, KeyHygiene.SILENT);
    }

    /**
     * The key bytes of option {@code what} given {@code spec} on the command line: {@code hygiene}
     * warns about a key file open to others, and hints that a key written out is visible in
     * {@code ps}.
     */
    static byte[] option(String spec, String what, KeyHygiene hygiene) {
        if (!spec.startsWith("@") && !spec.regionMatches(true, 0, "env:", 0, 4)) {
            hygiene.keyOnCommandLine(what);
        }
        return parse(spec, what, hygiene);
    }

    private static byte[] parse(String spec, String what, KeyHygiene hygiene) {
        String text = spec;
        Path keyFile = null;
        if (spec.startsWith("@")) {
            String file = spec.substring(1);
            if (file.isEmpty()) {
                throw new UsageException(what + ": @ needs a file name");
            }
            keyFile = Path.of(file);
            text = stripNewline(read(keyFile, what));
        } else if (spec.regionMatches(true, 0, "env:", 0, 4)) {
            String name = spec.substring(4);
            if (name.isEmpty()) {
                throw new UsageException(what + ": env: needs a variable name");
            }
            text = hygiene.environment(name);
            if (text == null) {
                throw new UsageException(what + ": environment variable " + name + " is not set");
            }
        }
        byte[] key = decode(text, what);
        if (key.length == 0) {
            throw new UsageException(what + ": the pre-shared key is empty");
        }
        if (keyFile != null) {
            hygiene.checkPermissions(keyFile, what);
        }
        return key;
    }

    /**
     * The identities and keys of a PSK file: one {@code identity:KEY} per line (the identity ends at
     * the first colon), blank lines and lines starting with {@code #} ignored.
     */
    static Map<String, byte[]> file(Path file) {
        return file(file, KeyHygiene.SILENT);
    }

    /** {@link #file(Path)}, warning through {@code hygiene} when the file is open to others. */
    static Map<String, byte[]> file(Path file, KeyHygiene hygiene) {
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
            byte[] key = parse(line.substring(colon + 1), what + " line " + (i + 1), hygiene);
            if (keys.put(identity, key) != null) {
                throw new UsageException(what + " line " + (i + 1) + ": identity '" + identity + "' given twice");
            }
        }
        if (keys.isEmpty()) {
            throw new UsageException(what + ": no identity:key line");
        }
        hygiene.checkPermissions(file, "--psk-file");
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
