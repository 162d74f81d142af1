package dev.tern.coap.micrometer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The count behind one {@code coap.requests} series (a route, method and response code, RFC 7252
 * §5): a shared adder for callers on any thread, plus one single-writer cell per open endpoint
 * ({@link EndpointCounts}). A scrape reads the sum; a closing endpoint folds its cell into the
 * shared adder under the same lock, so the series never goes down.
 */
final class RequestCount {
    /** Counts of listeners used directly (not through {@code forEndpoint}), and of closed endpoints. */
    final LongAdder shared = new LongAdder();
    private final List<AtomicLong> cells = new ArrayList<>(2);

    /** A new cell for one endpoint's I/O thread, counted from now on. */
    synchronized AtomicLong newCell() {
        AtomicLong cell = new AtomicLong();
        cells.add(cell);
        return cell;
    }

    /** The endpoint of {@code cell} closed: its count joins the shared adder. */
    synchronized void fold(AtomicLong cell) {
        if (cells.remove(cell)) {
            shared.add(cell.get());
        }
    }

    /** The total, at scrape time. */
    synchronized double value() {
        long sum = shared.sum();
        for (AtomicLong cell : cells) {
            sum += cell.get();
        }
        return sum;
    }
}
