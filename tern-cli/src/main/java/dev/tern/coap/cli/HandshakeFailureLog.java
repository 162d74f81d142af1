package dev.tern.coap.cli;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * What {@code tern serve} says about failed DTLS handshakes (RFC 6347 §4.2): one line per failure
 * on stderr, {@code tern: DTLS handshake with PEER failed: REASON}, at most
 * {@link #LINES_PER_WINDOW} per {@link #WINDOW}, then one summary line for the ones not shown, so a
 * flood of bad handshakes cannot flood the log. Thread-safe.
 */
final class HandshakeFailureLog {
    /** Failure lines per window. */
    static final int LINES_PER_WINDOW = 5;
    /** The window. */
    static final Duration WINDOW = Duration.ofSeconds(10);

    private final PrintStream err;
    private final LongSupplier nanos;
    private long windowStart;
    private int shown;
    private long suppressed;

    HandshakeFailureLog(PrintStream err, LongSupplier nanos) {
        this.err = err;
        this.nanos = nanos;
        this.windowStart = nanos.getAsLong();
    }

    /** A handshake with {@code peer} failed for {@code reason}. */
    synchronized void failed(InetSocketAddress peer, String reason) {
        roll(nanos.getAsLong());
        if (shown < LINES_PER_WINDOW) {
            shown++;
            err.println("tern: DTLS handshake with " + Addresses.format(peer) + " failed: " + reason);
            err.flush();
        } else {
            suppressed++;
        }
    }

    /** Prints the summary of a window that has passed; called periodically. */
    synchronized void flush() {
        roll(nanos.getAsLong());
    }

    private void roll(long now) {
        if (now - windowStart < WINDOW.toNanos()) {
            return;
        }
        if (suppressed > 0) {
            err.println("tern: " + suppressed + " more DTLS handshakes failed in the last " + WINDOW.toSeconds()
                    + " s (not shown)");
            err.flush();
        }
        windowStart = now;
        shown = 0;
        suppressed = 0;
    }
}
