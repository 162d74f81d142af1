package dev.tern.coap.micrometer;

import dev.tern.coap.Code;
import dev.tern.coap.spi.ForwardingEndpointMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One endpoint's listener from {@link TernMetrics#forEndpoint()}. The engine reports requests
 * (RFC 7252 §5.2) from the endpoint's I/O thread only, so this counts them in cells only that
 * thread writes: an increment is a plain read and an ordered store, no atomic read-modify-write,
 * which is most of what counting cost on the request path. The cells belong to the shared
 * {@link RequestCount}s that the registry reads; on close they fold into the totals. Everything
 * else goes to the {@link TernMetrics} it came from.
 */
final class EndpointCounts extends ForwardingEndpointMetrics {
    private final TernMetrics parent;
    /** Route template → method code (0..31) → this endpoint's cells by response code; I/O thread only. */
    private final Map<String, Cells[]> routes = new HashMap<>();
    /** Every cell this endpoint made, with its series, to fold on close; I/O thread only. */
    private final List<Made> made = new ArrayList<>();
    private boolean closed;

    EndpointCounts(TernMetrics parent) {
        super(parent);
        this.parent = parent;
    }

    /** A cell this endpoint made and the series it belongs to. */
    private record Made(RequestCount series, AtomicLong cell) {
    }

    /** This endpoint's cells of one (route, method), with the shared meters they belong to. */
    private static final class Cells {
        final TernMetrics.MethodMeters meters;
        final AtomicLong[] byCode = new AtomicLong[256];

        Cells(TernMetrics.MethodMeters meters) {
            this.meters = meters;
        }
    }

    @Override
    public void requestHandled(Code method, Code response, String route, long handlerNanos) {
        if (closed) {
            parent.requestHandled(method, response, route, handlerNanos);
            return;
        }
        Cells[] byMethod = routes.get(route);
        Cells cells = byMethod == null ? null : byMethod[method.detail() & 31];
        if (cells == null) {
            cells = newCells(method, route);
        }
        int i = TernMetrics.codeIndex(response);
        AtomicLong cell = cells.byCode[i];
        if (cell == null) {
            cell = newCell(cells, response, i);
        }
        cell.lazySet(cell.get() + 1); // the only writer: an ordered store is enough
        if (handlerNanos >= 0) {
            cells.meters.latency.record(handlerNanos, TimeUnit.NANOSECONDS);
        }
    }

    private Cells newCells(Code method, String route) {
        Cells[] byMethod = routes.computeIfAbsent(route, r -> new Cells[32]);
        Cells cells = new Cells(parent.meters(route, method));
        byMethod[method.detail() & 31] = cells;
        return cells;
    }

    private AtomicLong newCell(Cells cells, Code response, int i) {
        RequestCount series = cells.meters.requests(response);
        AtomicLong cell = series.newCell();
        cells.byCode[i] = cell;
        made.add(new Made(series, cell));
        return cell;
    }

    @Override
    public void endpointClosed() {
        if (closed) {
            return;
        }
        closed = true;
        for (Made m : made) {
            m.series.fold(m.cell);
        }
        made.clear();
        routes.clear();
    }
}
