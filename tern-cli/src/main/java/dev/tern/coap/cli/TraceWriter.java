package dev.tern.coap.cli;

import dev.tern.coap.MessageTracer;
import java.io.PrintStream;
import java.net.InetSocketAddress;

/**
 * {@code -v}: writes each message summary to stderr, {@code > } for sent and {@code < } for
 * received, optionally followed by the peer (the server and the client commands show it, so that
 * a redirect or a resolved name is visible).
 */
public final class TraceWriter implements MessageTracer {
    private final PrintStream err;
    private final boolean showPeer;

    /** Writes to {@code err}; {@code showPeer} adds the peer's address to each line. */
    public TraceWriter(PrintStream err, boolean showPeer) {
        this.err = err;
        this.showPeer = showPeer;
    }

    @Override
    public void sent(InetSocketAddress peer, String summary) {
        err.println("> " + (showPeer ? Addresses.format(peer) + " " : "") + summary);
    }

    @Override
    public void received(InetSocketAddress peer, String summary) {
        err.println("< " + (showPeer ? Addresses.format(peer) + " " : "") + summary);
    }
}
