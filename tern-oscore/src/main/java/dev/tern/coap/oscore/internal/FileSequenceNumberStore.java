package dev.tern.coap.oscore.internal;

import dev.tern.coap.oscore.SequenceNumberStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * {@link SequenceNumberStore} in a text file of {@code key value} lines (RFC 8613 Appendix B.1.1).
 * Every store rewrites a temporary file in the same directory, forces it to disk and renames it
 * over the old file, so a crash leaves either the old or the new content, never a torn one.
 */
public final class FileSequenceNumberStore implements SequenceNumberStore {
    private final Path file;
    private final Map<String, Long> values = new TreeMap<>();
    private boolean loaded;

    /** A store backed by {@code file} (created on the first store). */
    public FileSequenceNumberStore(Path file) {
        this.file = file.toAbsolutePath();
    }

    @Override
    public synchronized OptionalLong load(String contextKey) {
        readOnce();
        Long v = values.get(contextKey);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    @Override
    public synchronized void store(String contextKey, long nextUnused) {
        checkKey(contextKey);
        readOnce();
        values.put(contextKey, nextUnused);
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : values.entrySet()) {
            sb.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.US_ASCII));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the OSCORE sequence number file " + tmp, e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace the OSCORE sequence number file " + file, e);
        }
    }

    private void readOnce() {
        if (loaded) {
            return;
        }
        if (Files.exists(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    String[] parts = line.trim().split(" ");
                    if (parts.length != 2) {
                        throw new IllegalStateException("malformed line in " + file);
                    }
                    long v = Long.parseLong(parts[1]);
                    if (v < 0) {
                        throw new IllegalStateException("negative sequence number in " + file);
                    }
                    values.put(parts[0], v);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the OSCORE sequence number file " + file, e);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("malformed sequence number in " + file, e);
            }
        }
        loaded = true;
    }

    private static void checkKey(String key) {
        if (key.isEmpty() || key.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IllegalArgumentException("context key must be printable ASCII without spaces");
        }
    }
}
