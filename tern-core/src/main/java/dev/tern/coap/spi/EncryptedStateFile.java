package dev.tern.coap.spi;

import dev.tern.coap.Bytes;
import dev.tern.coap.internal.state.StateFileCodec;
import dev.tern.coap.internal.state.StateFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateStore} for a graceful restart on one machine: {@code state.bin} in a directory,
 * sealed with AES-256-GCM under a key derived (HKDF-SHA256, RFC 5869) from the operator's key, so
 * the DTLS master secrets and observer lists in it are neither readable nor changeable without
 * that key. {@link #open} reads the file once and removes it (a state file is used by one start,
 * never replayed after a crash); {@link #flush()} writes a fresh one (new salt and nonce,
 * written to a temporary file and moved into place, owner-only permissions where POSIX).
 *
 * <p>A file that does not open (wrong key, truncated, tampered, another version, over the size
 * bound) is never half used: it is moved aside to {@code state.bin.rejected-<time>}, the reason is
 * logged and kept in {@link #rejection()}, and the store starts empty. Key material is never
 * logged.
 */
public final class EncryptedStateFile implements StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(EncryptedStateFile.class);
    /** The file name in the state directory. */
    public static final String FILE_NAME = "state.bin";
    /** Default bound on the state file's size: 256 MiB. */
    public static final long DEFAULT_MAX_FILE_BYTES = 256L << 20;
    /** Default bound on one record's value: 1 MiB. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;
    /** The shortest operator key accepted: 16 bytes (128 bits). */
    public static final int MIN_KEY_BYTES = 16;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path file;
    private final byte[] key;
    private final int maxRecordBytes;
    private final ConcurrentHashMap<String, ConcurrentHashMap<Bytes, byte[]>> spaces = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile String rejection;
    private volatile Path rejectedFile;
    private boolean closed;

    private EncryptedStateFile(Path directory, byte[] key, int maxRecordBytes) {
        this.file = directory.resolve(FILE_NAME);
        this.key = key.clone();
        this.maxRecordBytes = maxRecordBytes;
    }

    /** Opens the state in {@code directory} with the default bounds; see {@link #open(Path, byte[], long, int)}. */
    public static EncryptedStateFile open(Path directory, byte[] key) {
        return open(directory, key, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * Opens the state in {@code directory} (created if missing) under the operator's {@code key}
     * (at least {@link #MIN_KEY_BYTES} bytes): loads {@code state.bin} if there is one and removes
     * it, or moves it aside when it does not open. A file over {@code maxFileBytes} or with a
     * record over {@code maxRecordBytes} is rejected without being read further.
     *
     * @throws UncheckedIOException when the directory cannot be created or read
     */
    public static EncryptedStateFile open(Path directory, byte[] key, long maxFileBytes, int maxRecordBytes) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("state key too short: " + key.length + " bytes, at least "
                    + MIN_KEY_BYTES);
        }
        if (maxFileBytes <= 0 || maxRecordBytes <= 0) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        EncryptedStateFile store = new EncryptedStateFile(directory, key, maxRecordBytes);
        try {
            Files.createDirectories(directory);
            store.load(maxFileBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("state directory " + directory + ": " + e.getMessage(), e);
        }
        return store;
    }

    private void load(long maxFileBytes) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        Map<String, Map<Bytes, byte[]>> loaded;
        try {
            long size = Files.size(file);
            if (size > maxFileBytes) {
                throw new StateFormatException("file of " + size + " bytes over the bound of " + maxFileBytes);
            }
            byte[] sealed = Files.readAllBytes(file);
            if (sealed.length > maxFileBytes) {
                throw new StateFormatException("file grew over the bound of " + maxFileBytes + " while read");
            }
            loaded = StateFileCodec.open(sealed, key, maxRecordBytes);
        } catch (StateFormatException e) {
            Path aside = file.resolveSibling(FILE_NAME + ".rejected-" + STAMP.format(Instant.now()));
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            rejection = "state file " + file + " rejected: " + e.getMessage() + "; moved to " + aside
                    + "; starting with no saved state";
            rejectedFile = aside;
            LOG.error(rejection);
            return;
        }
        loaded.forEach((name, records) -> spaces.put(name, new ConcurrentHashMap<>(records)));
        Files.delete(file);
        LOG.info("state restored from {}: {} namespaces", file, loaded.size());
    }

    /** Why the previous state file was rejected (and moved aside), if it was. */
    public Optional<String> rejection() {
        return Optional.ofNullable(rejection);
    }

    /** Where a rejected state file was moved, if one was. */
    public Optional<Path> rejectedFile() {
        return Optional.ofNullable(rejectedFile);
    }

    /** The state file's path. */
    public Path file() {
        return file;
    }

    private ConcurrentHashMap<Bytes, byte[]> space(String namespace) {
        return spaces.computeIfAbsent(Objects.requireNonNull(namespace, "namespace"), n -> new ConcurrentHashMap<>());
    }

    @Override
    public Map<Bytes, byte[]> load(String namespace) {
        return Map.copyOf(space(namespace));
    }

    @Override
    public void save(String namespace, Map<Bytes, byte[]> records) {
        spaces.put(Objects.requireNonNull(namespace, "namespace"), new ConcurrentHashMap<>(records));
    }

    @Override
    public CompletionStage<Void> put(String namespace, Bytes key, byte[] value) {
        space(namespace).put(key, value.clone());
        return StateStore.done();
    }

    @Override
    public CompletionStage<Void> remove(String namespace, Bytes key) {
        space(namespace).remove(key);
        return StateStore.done();
    }

    /** Seals every namespace into {@code state.bin} (atomically replacing it). */
    @Override
    public synchronized void flush() {
        if (closed) {
            throw new IllegalStateException("state store closed: its key is gone");
        }
        Map<String, Map<Bytes, byte[]>> snapshot = new java.util.HashMap<>();
        spaces.forEach((name, records) -> {
            if (!records.isEmpty()) {
                snapshot.put(name, Map.copyOf(records));
            }
        });
        byte[] sealed = StateFileCodec.seal(snapshot, key, random);
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            createPrivate(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(sealed));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the state file " + file + ": " + e.getMessage(), e);
        }
        LOG.info("state saved to {} ({} bytes)", file, sealed.length);
    }

    private static void createPrivate(Path p) throws IOException {
        try {
            Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(p);
        } catch (FileAlreadyExistsException e) {
            throw e;
        }
    }

    /** Forgets the key (the records are already flushed by the endpoints that used the store). */
    @Override
    public synchronized void close() {
        closed = true;
        Arrays.fill(key, (byte) 0);
    }

    @Override
    public String toString() {
        return "EncryptedStateFile[" + file + "]"; // never the key
    }
}
