package dev.tern.coap.spi;

import dev.tern.coap.Bytes;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** {@link StateStore#inMemory()}: records in maps, gone with the process. */
final class MemoryStateStore implements StateStore {
    private final ConcurrentHashMap<String, ConcurrentHashMap<Bytes, byte[]>> spaces = new ConcurrentHashMap<>();

    private ConcurrentHashMap<Bytes, byte[]> space(String namespace) {
        return spaces.computeIfAbsent(Objects.requireNonNull(namespace, "namespace"), n -> new ConcurrentHashMap<>());
    }

    @Override
    public Map<Bytes, byte[]> load(String namespace) {
        return Map.copyOf(space(namespace));
    }

    @Override
    public void save(String namespace, Map<Bytes, byte[]> records) {
        ConcurrentHashMap<Bytes, byte[]> fresh = new ConcurrentHashMap<>(records);
        spaces.put(Objects.requireNonNull(namespace, "namespace"), fresh);
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

    @Override
    public void flush() {
        // nothing to make durable
    }

    @Override
    public void close() {
        // nothing to release
    }
}
