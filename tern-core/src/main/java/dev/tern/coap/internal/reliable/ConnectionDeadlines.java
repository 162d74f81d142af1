package dev.tern.coap.internal.reliable;

import dev.tern.coap.CoapTransportException;
import dev.tern.coap.spi.ReliableSettings;
import dev.tern.coap.spi.Scheduler;

/**
 * The time bounds of a connection (RFC 8323): the peer's CSM must come within the CSM timeout
 * (§5.3), a frame must be complete within the frame deadline once its first byte came (a peer
 * trickling partial frames is cut off), and a connection idle for the idle timeout is closed.
 * Each is one timer per connection, re-armed lazily, never one per message.
 */
final class ConnectionDeadlines {
    private final ReliableLayer layer;
    private final Scheduler scheduler;
    private final ReliableSettings settings;

    ConnectionDeadlines(ReliableLayer layer, Scheduler scheduler, ReliableSettings settings) {
        this.layer = layer;
        this.scheduler = scheduler;
        this.settings = settings;
    }

    void csmCheck(ConnectionContext c) {
        c.csmTimer = scheduler.schedule(() -> {
            if (!c.csmReceived && !c.closed) {
                layer.abort(c, "no CSM within " + settings.csmTimeout().toMillis() + " ms (RFC 8323 §5.3)", 0);
            }
        }, settings.csmTimeout().toNanos());
    }

    void frameCheck(ConnectionContext c, long delay) {
        c.frameTimer = scheduler.schedule(() -> {
            c.frameTimer = null;
            if (c.closed || c.partialSince < 0) {
                return;
            }
            long waited = scheduler.nanoTime() - c.partialSince;
            long deadline = settings.frameDeadline().toNanos();
            if (waited >= deadline) {
                layer.abort(c, "frame not completed within " + settings.frameDeadline().toMillis() + " ms ("
                        + c.reader.buffered() + " bytes received)", 0);
            } else {
                frameCheck(c, deadline - waited);
            }
        }, delay);
    }

    void idleCheck(ConnectionContext c, long delay) {
        c.idleTimer = scheduler.schedule(() -> {
            if (c.closed) {
                return;
            }
            long idle = scheduler.nanoTime() - c.lastActivity;
            long limit = settings.idleTimeout().toNanos();
            boolean busy = !c.inFlight.isEmpty() || c.observing || !c.pings.isEmpty() || c.reader.partial();
            if (idle >= limit && !busy) {
                layer.end(c, new CoapTransportException("connection to " + c.peer + " closed after "
                        + settings.idleTimeout().toSeconds() + " s idle"));
            } else {
                idleCheck(c, busy ? limit : limit - idle);
            }
        }, delay);
    }
}
