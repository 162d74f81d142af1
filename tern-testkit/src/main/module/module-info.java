/**
 * Tern test kit: test CoAP (RFC 7252) handlers and clients without sockets. Exports
 * {@code dev.tern.coap.testkit}: an in-memory network on a manual clock ({@code InMemoryNetwork},
 * {@code ManualScheduler}, {@code InMemoryTransport}), a scripted peer speaking {@code CoapMessage},
 * and a lossy UDP relay for loopback tests. It has no test framework dependency: failed
 * expectations are thrown as {@link AssertionError}.
 */
module dev.tern.coap.testkit {
    requires transitive dev.tern.coap;

    exports dev.tern.coap.testkit;
}
