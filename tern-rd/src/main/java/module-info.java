/**
 * Tern's CoRE Resource Directory (RFC 9176): the directory as routes for a Tern server, and a
 * registrant that keeps a server's links registered. Exports only {@code dev.tern.coap.rd}.
 */
module dev.tern.coap.rd {
    requires transitive dev.tern.coap;

    exports dev.tern.coap.rd;
}
