package dev.tern.coap.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import dev.tern.coap.internal.state.RecordWriter;
import dev.tern.coap.internal.state.StateFileCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FAULTS.md S1..S7: a state file that does not open is never half used. It is moved aside to
 * {@code state.bin.rejected-<time>} with a clear reason, and the store starts empty.
 */
class StateFileFaultsTest {
    private static final byte[] KEY = "operator key, 32 bytes of it!!!!".getBytes(StandardCharsets.US_ASCII);
    private static final String NS = "test.records";

    @TempDir
    Path dir;

    private byte[] goodFile() {
        EncryptedStateFile store = EncryptedStateFile.open(dir, KEY);
        store.save(NS, Map.of(Bytes.utf8("a"), new byte[] {1, 2, 3}, Bytes.utf8("b"), new byte[100]));
        store.flush();
        store.close();
        try {
            return Files.readAllBytes(dir.resolve(EncryptedStateFile.FILE_NAME));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private EncryptedStateFile reopenWith(byte[] file, byte[] key) throws Exception {
        Files.write(dir.resolve(EncryptedStateFile.FILE_NAME), file);
        return EncryptedStateFile.open(dir, key);
    }

    private void assertRejected(EncryptedStateFile store, String reason) throws Exception {
        assertThat(store.rejection()).hasValueSatisfying(r -> assertThat(r).contains(reason).contains("moved to"));
        assertThat(store.load(NS)).isEmpty();
        assertThat(dir.resolve(EncryptedStateFile.FILE_NAME)).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anySatisfy(n -> assertThat(n).startsWith("state.bin.rejected-"));
        }
        assertThat(store.rejection().orElseThrow()).doesNotContain(new String(KEY, StandardCharsets.US_ASCII));
    }

    @Test
    void goodFileRestoresAndIsUsedOnce() throws Exception {
        byte[] file = goodFile();
        EncryptedStateFile store = reopenWith(file, KEY);
        assertThat(store.rejection()).isEmpty();
        assertThat(store.load(NS)).containsOnlyKeys(Bytes.utf8("a"), Bytes.utf8("b"));
        assertThat(dir.resolve(EncryptedStateFile.FILE_NAME)).doesNotExist(); // consumed: never replayed after a crash
    }

    @Test
    void s1WrongKey() throws Exception {
        byte[] other = KEY.clone();
        other[0] ^= 1;
        assertRejected(reopenWith(goodFile(), other), "does not authenticate");
    }

    @Test
    void s2Truncated() throws Exception {
        byte[] file = goodFile();
        assertRejected(reopenWith(Arrays.copyOf(file, file.length - 1), KEY), "does not authenticate");
        assertRejected(reopenWith(Arrays.copyOf(file, 20), KEY), "truncated");
    }

    @Test
    void s3TamperedAnywhere() throws Exception {
        byte[] file = goodFile();
        for (int i : new int[] {9, 20, StateFileCodec.HEADER - 1, StateFileCodec.HEADER + 3, file.length - 1}) {
            byte[] bad = file.clone();
            bad[i] ^= 0x40;
            assertRejected(reopenWith(bad, KEY), "does not authenticate");
        }
    }

    @Test
    void s4VersionMismatch() throws Exception {
        byte[] file = goodFile();
        file[8] = 2;
        assertRejected(reopenWith(file, KEY), "version 2, this Tern reads version 1");
        byte[] notOurs = "PK\u0003\u0004 not a state file at all, ok".getBytes(StandardCharsets.ISO_8859_1);
        assertRejected(reopenWith(notOurs, KEY), "not a Tern state file");
    }

    @Test
    void s5OversizedFileIsNotRead() throws Exception {
        Files.write(dir.resolve(EncryptedStateFile.FILE_NAME), new byte[4096]);
        EncryptedStateFile store = EncryptedStateFile.open(dir, KEY, 1024, 1024);
        assertRejected(store, "over the bound of 1024");
    }

    @Test
    void s6OversizedClaimsInsideAnAuthenticFile() throws Exception {
        // the right key, but counts and lengths that claim more than the file holds: no allocation by claim
        byte[] countClaim = new RecordWriter().u32(0x7FFFFFFF).toByteArray();
        assertRejected(reopenWith(sealedPlaintext(countClaim), KEY), "beyond");
        byte[] recordClaim = new RecordWriter().u32(1).string(NS).u32(1).bytes16(new byte[1]).u32(0xFFFFFFFFL)
                .toByteArray();
        assertRejected(reopenWith(sealedPlaintext(recordClaim), KEY), "over the bound");
        EncryptedStateFile big = EncryptedStateFile.open(dir, KEY);
        big.save(NS, Map.of(Bytes.utf8("big"), new byte[2048]));
        big.flush();
        big.close();
        assertRejected(EncryptedStateFile.open(dir, KEY, 1 << 20, 1024), "over the bound 1024");
    }

    @Test
    void s7ShortKeyRefused() {
        assertThatThrownBy(() -> EncryptedStateFile.open(dir, new byte[15]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16");
    }

    /** A file sealed with the right key around {@code plain} (as a forger holding the key could). */
    private static byte[] sealedPlaintext(byte[] plain) throws Exception {
        // seal an empty snapshot, then re-seal our own plaintext with the same construction
        byte[] file = StateFileCodec.seal(Map.of(), KEY, new SecureRandom());
        byte[] salt = Arrays.copyOfRange(file, 9, 25);
        byte[] nonce = Arrays.copyOfRange(file, 25, StateFileCodec.HEADER);
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(salt, "HmacSHA256"));
        byte[] prk = mac.doFinal(KEY);
        mac.init(new javax.crypto.spec.SecretKeySpec(prk, "HmacSHA256"));
        mac.update("tern state file v1".getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 1);
        byte[] sub = mac.doFinal();
        javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        c.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(sub, "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, nonce));
        c.updateAAD(file, 0, StateFileCodec.HEADER);
        byte[] sealed = c.doFinal(plain);
        byte[] out = Arrays.copyOf(file, StateFileCodec.HEADER + sealed.length);
        System.arraycopy(sealed, 0, out, StateFileCodec.HEADER, sealed.length);
        return out;
    }
}
