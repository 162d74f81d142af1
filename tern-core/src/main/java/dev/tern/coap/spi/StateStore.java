package dev.tern.coap.spi;

import dev.tern.coap.Bytes;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the state that must outlive a process is kept: server observe relations (RFC 7641 §4),
 * client observations (RFC 7641 §3), the DTLS resumption cache (RFC 5246 §7.3), OSCORE sequence
 * numbers (RFC 8613 §7.2.1), resource directory registrations (RFC 9176 §5). Each kind lives in a
 * namespace of keyed records, values as opaque bytes, so a store may be remote (Redis) as well as
 * in memory or an encrypted file.
 *
 * <p>Life cycle: an endpoint calls {@link #load} for each namespace once when it starts, before it
 * serves, and {@link #save} for each namespace when it closes, followed by one {@link #flush}. In
 * between, nothing is called on the request path; a component that keeps its records current as
 * they change (a cluster) uses {@link #put} and {@link #remove}, which may complete later. A store is
 * used from several threads.
 */
public interface StateStore extends AutoCloseable {
    /**
     * The namespace of the observe relations ({@link ObserveRelationState}) of a {@code coap}
     * server; a server of another scheme uses {@link #serverObservations(String)}.
     */
    String SERVER_OBSERVATIONS = "coap.observe.server";
    /** The namespace of the client's observations ({@link ClientObservationState}). */
    String CLIENT_OBSERVATIONS = "coap.observe.client";

    /**
     * The records of {@code namespace} as the previous process left them (empty when there are
     * none); an unmodifiable snapshot.
     */
    Map<Bytes, byte[]> load(String namespace);

    /** Replaces every record of {@code namespace} with {@code records} (a snapshot, e.g. on close). */
    void save(String namespace, Map<Bytes, byte[]> records);

    /** Sets one record; the returned stage completes when the store has it. */
    CompletionStage<Void> put(String namespace, Bytes key, byte[] value);

    /** Removes one record; the returned stage completes when the store no longer has it. */
    CompletionStage<Void> remove(String namespace, Bytes key);

    /**
     * Makes everything saved so far durable (an encrypted file is written; a remote store waits
     * for its outstanding writes). Called once when the endpoints close, after every {@link #save}.
     */
    void flush();

    /**
     * Releases the store. No implicit flush: the endpoints that use it flush when they close; the
     * application that created the store closes it after them.
     */
    @Override
    void close();

    /**
     * The namespace of the observe relations of a server of {@code scheme}: {@link #SERVER_OBSERVATIONS}
     * for {@code coap}, with {@code "." + scheme} appended for any other ({@code coaps}), so that a
     * {@code coap} and a {@code coaps} server sharing one store keep their relations apart (RFC 7252 §9.1).
     */
    static String serverObservations(String scheme) {
        return "coap".equals(scheme) ? SERVER_OBSERVATIONS : SERVER_OBSERVATIONS + "." + scheme;
    }

    /** A store that only lives as long as the process: today's behaviour, and the default. */
    static StateStore inMemory() {
        return new MemoryStateStore();
    }

    /** Completed stage, for stores whose writes are synchronous. */
    static CompletionStage<Void> done() {
        return CompletableFuture.completedFuture(null);
    }
}
