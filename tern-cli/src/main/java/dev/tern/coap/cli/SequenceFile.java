package dev.tern.coap.cli;

import dev.tern.coap.oscore.SequenceNumberStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * The sequence number file of {@code -E CONF,SEQ} and {@code tern serve --oscore CONF,SEQ} in the
 * format libcoap's {@code coap-client -E} keeps it: one decimal number, the next Sender Sequence
 * Number not yet used (RFC 8613 Appendix B.1.1), so that Tern and libcoap can take turns with the
 * same files without either reusing a nonce. One security context per file (the configuration
 * file has one). Written atomically: a temporary file, forced to disk, renamed over the old one. A
 * file that cannot be parsed fails the start rather than restarting at 0.
 */
final class SequenceFile implements SequenceNumberStore {
    private final Path file;

    SequenceFile(Path file) {
        this.file = file;
    }

    @Override
    public OptionalLong load(String contextKey) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sequence number file " + file, e);
        }
        if (text.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long n = Long.parseLong(text);
            if (n < 0) {
                throw new NumberFormatException("negative");
            }
            return OptionalLong.of(n);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the sequence number file " + file
                    + " does not hold one decimal number; not starting again at 0 (RFC 8613 Appendix B.1.1)");
        }
    }

    @Override
    public void store(String contextKey, long nextUnused) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap((nextUnused + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sequence number file " + file, e);
        }
    }
}
