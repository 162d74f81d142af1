package dev.tern.coap.oscore;

import dev.tern.coap.oscore.internal.FileSequenceNumberStore;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Durable storage for Sender Sequence Numbers (RFC 8613 Appendix B.1.1): a security context
 * stores the first number it has NOT yet reserved, K numbers ahead of the one it uses, before it
 * uses any number at or above the previous reservation. After a restart it resumes at the stored
 * value, so no nonce is ever used twice with the same key.
 */
public interface SequenceNumberStore {
    /** The stored next-unused sequence number for {@code contextKey}, if any. */
    OptionalLong load(String contextKey);

    /**
     * Durably stores {@code nextUnused} for {@code contextKey}; returns only once the value would
     * survive a crash. Throws (unchecked) when it cannot, and the context then sends nothing.
     */
    void store(String contextKey, long nextUnused);

    /** A store in memory: correct within one process, forgotten at exit. The default. */
    static SequenceNumberStore inMemory() {
        ConcurrentHashMap<String, Long> map = new ConcurrentHashMap<>();
        return new SequenceNumberStore() {
            @Override
            public OptionalLong load(String contextKey) {
                Long v = map.get(contextKey);
                return v == null ? OptionalLong.empty() : OptionalLong.of(v);
            }

            @Override
            public void store(String contextKey, long nextUnused) {
                map.put(contextKey, nextUnused);
            }
        };
    }

    /**
     * A store in one file, rewritten atomically (a temporary file, forced to disk, then renamed
     * over the old one). A file that exists but cannot be parsed fails the load rather than
     * restarting at 0.
     */
    static SequenceNumberStore file(Path file) {
        return new FileSequenceNumberStore(file);
    }

    /** The namespace of Sender Sequence Numbers in a {@link dev.tern.coap.spi.StateStore}. */
    String STATE_NAMESPACE = "oscore.sequence";

    /**
     * A store kept in a {@link dev.tern.coap.spi.StateStore} (namespace {@link #STATE_NAMESPACE},
     * key the context key in UTF-8, value 8 bytes big-endian): each {@link #store} puts the value and
     * {@link dev.tern.coap.spi.StateStore#flush() flushes} the store before it returns, so the
     * reservation is durable when the context uses it (RFC 8613 Appendix B.1.1). With an
     * {@code EncryptedStateFile} every reservation rewrites the file: choose a large reservation
     * window. A value that is not 8 bytes fails the load (never restarts at 0).
     */
    static SequenceNumberStore of(dev.tern.coap.spi.StateStore store) {
        java.util.Objects.requireNonNull(store, "store");
        return new SequenceNumberStore() {
            @Override
            public OptionalLong load(String contextKey) {
                byte[] v = store.load(STATE_NAMESPACE).get(dev.tern.coap.Bytes.utf8(contextKey));
                if (v == null) {
                    return OptionalLong.empty();
                }
                if (v.length != Long.BYTES) {
                    throw new IllegalStateException("stored sequence number of " + v.length + " bytes for a context");
                }
                return OptionalLong.of(java.nio.ByteBuffer.wrap(v).getLong());
            }

            @Override
            public void store(String contextKey, long nextUnused) {
                byte[] v = java.nio.ByteBuffer.allocate(Long.BYTES).putLong(nextUnused).array();
                store.put(STATE_NAMESPACE, dev.tern.coap.Bytes.utf8(contextKey), v).toCompletableFuture().join();
                store.flush();
            }
        };
    }
}
