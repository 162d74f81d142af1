package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PskKeysTest {
    @TempDir
    Path dir;

    @Test
    void textIsItsUtf8Bytes() {
        assertThat(PskKeys.parse("secret", "-k")).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
        assertThat(PskKeys.parse("grüß", "-k")).isEqualTo("grüß".getBytes(StandardCharsets.UTF_8));
        assertThat(PskKeys.parse("x0x", "-k")).isEqualTo("x0x".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void hexWithEitherPrefix() {
        byte[] key = {0x00, 0x11, (byte) 0xab, (byte) 0xCD};
        assertThat(PskKeys.parse("0x0011abcd", "-k")).isEqualTo(key);
        assertThat(PskKeys.parse("0X0011ABCD", "-k")).isEqualTo(key);
        assertThat(PskKeys.parse("hex:0011AbCd", "-k")).isEqualTo(key);
        assertThat(PskKeys.parse("HEX:0011abcd", "-k")).isEqualTo(key);
    }

    @Test
    void badHexAndEmptyKeysAreUsageErrors() {
        assertThatThrownBy(() -> PskKeys.parse("0x1", "-k")).isInstanceOf(UsageException.class)
                .hasMessage("-k: a hex key needs an even number of digits");
        assertThatThrownBy(() -> PskKeys.parse("hex:0g", "-k")).isInstanceOf(UsageException.class)
                .hasMessageStartingWith("-k: not a hex key");
        assertThatThrownBy(() -> PskKeys.parse("", "-k")).isInstanceOf(UsageException.class)
                .hasMessage("-k: the pre-shared key is empty");
        assertThatThrownBy(() -> PskKeys.parse("hex:", "-k")).hasMessage("-k: the pre-shared key is empty");
        assertThatThrownBy(() -> PskKeys.parse("@", "-k")).hasMessage("-k: @ needs a file name");
    }

    @Test
    void fileKeysLoseOneTrailingNewlineAndMayBeHex() throws Exception {
        Path text = Files.writeString(dir.resolve("a"), "secret\n");
        assertThat(PskKeys.parse("@" + text, "-k")).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
        Path crlf = Files.writeString(dir.resolve("b"), "secret\r\n");
        assertThat(PskKeys.parse("@" + crlf, "-k")).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
        Path bare = Files.writeString(dir.resolve("c"), "secret ");
        assertThat(PskKeys.parse("@" + bare, "-k")).isEqualTo("secret ".getBytes(StandardCharsets.UTF_8));
        Path hex = Files.writeString(dir.resolve("d"), "0xc0ffee\n");
        assertThat(PskKeys.parse("@" + hex, "-k")).isEqualTo(new byte[] {(byte) 0xc0, (byte) 0xff, (byte) 0xee});
        assertThatThrownBy(() -> PskKeys.parse("@" + dir.resolve("missing"), "-k")).isInstanceOf(UsageException.class)
                .hasMessage("-k: no such file: " + dir.resolve("missing"));
    }

    @Test
    void pskFile() throws Exception {
        Path file = Files.writeString(dir.resolve("keys"),
                "# devices\n\ndev1:secret\n  # indented comment\nurn:dev:2:0x0102\ndev3:a:b\n");
        Map<String, byte[]> keys = PskKeys.file(file);
        assertThat(keys.keySet()).containsExactly("dev1", "urn", "dev3");
        assertThat(keys.get("dev1")).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
        assertThat(keys.get("urn")).isEqualTo("dev:2:0x0102".getBytes(StandardCharsets.UTF_8));
        assertThat(keys.get("dev3")).isEqualTo("a:b".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void badPskFiles() throws Exception {
        Path noColon = Files.writeString(dir.resolve("a"), "dev1:x\njustakey\n");
        assertThatThrownBy(() -> PskKeys.file(noColon)).isInstanceOf(UsageException.class)
                .hasMessage("--psk-file " + noColon + " line 2: expected identity:key");
        Path twice = Files.writeString(dir.resolve("b"), "dev1:x\ndev1:y\n");
        assertThatThrownBy(() -> PskKeys.file(twice)).hasMessage("--psk-file " + twice + " line 2: identity 'dev1' given twice");
        Path empty = Files.writeString(dir.resolve("c"), "# nothing\n");
        assertThatThrownBy(() -> PskKeys.file(empty)).hasMessage("--psk-file " + empty + ": no identity:key line");
        Path badHex = Files.writeString(dir.resolve("d"), "dev1:0xabc\n");
        assertThatThrownBy(() -> PskKeys.file(badHex))
                .hasMessage("--psk-file " + badHex + " line 1: a hex key needs an even number of digits");
    }

    @Test
    void envKeysComeFromTheEnvironmentInAnyFormWithoutAHint() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        KeyHygiene h = new KeyHygiene(new PrintStream(err, true, StandardCharsets.UTF_8),
                name -> Map.of("K", "secret", "H", "0xc0ffee", "E", "").get(name));
        assertThat(PskKeys.option("env:K", "-k", h)).isEqualTo("secret".getBytes(StandardCharsets.UTF_8));
        assertThat(PskKeys.option("ENV:H", "-k", h)).isEqualTo(new byte[] {(byte) 0xc0, (byte) 0xff, (byte) 0xee});
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThatThrownBy(() -> PskKeys.option("env:NONE", "-k", h)).isInstanceOf(UsageException.class)
                .hasMessage("-k: environment variable NONE is not set");
        assertThatThrownBy(() -> PskKeys.option("env:", "-k", h)).hasMessage("-k: env: needs a variable name");
        assertThatThrownBy(() -> PskKeys.option("env:E", "-k", h)).hasMessage("-k: the pre-shared key is empty");
    }

    @Test
    void aLiteralKeyDrawsTheHintButNeverTheKey() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        KeyHygiene h = new KeyHygiene(new PrintStream(err, true, StandardCharsets.UTF_8), name -> null);
        PskKeys.option("hunter2", "--psk-key", h);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("tern: note: a key given as --psk-key KEY is"
                + " visible to other users (ps, /proc); use --psk-key @FILE or --psk-key env:VAR, or --psk-file FILE\n");
    }

    @Test
    void aWritablePskFileSaysOthersCanChangeIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path file = Files.writeString(dir.resolve("w.psk"), "dev1:secret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw--w----"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PskKeys.file(file, new KeyHygiene(new PrintStream(err, true, StandardCharsets.UTF_8), name -> null));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("tern: WARNING: UNPROTECTED KEY FILE: --psk-file "
                + file + " has permissions rw--w----: other users on this host can change the key. Run: chmod 600 "
                + file + "\n");
    }
}
