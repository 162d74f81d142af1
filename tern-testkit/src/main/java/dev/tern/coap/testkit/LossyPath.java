package dev.tern.coap.testkit;

import java.net.InetSocketAddress;

/**
 * An impaired loopback path to one server: a {@link LossyRelay} in this JVM or a {@link LossyRelayProcess}
 * running the same relay in its own JVM. Tests written against this interface run over either.
 */
public interface LossyPath extends AutoCloseable {
    /** Where the client sends. */
    InetSocketAddress address();

    /** The relay's counters for both directions; after {@link #close()}, the final ones. */
    LossyRelay.Counters counters();

    /** Stops the relay. */
    @Override
    void close();
}
