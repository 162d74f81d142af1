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
}
