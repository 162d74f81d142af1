package dev.tern.coap.internal.reliable;

import dev.tern.coap.CoapException;
import dev.tern.coap.spi.ConnectionTransport;
import dev.tern.coap.spi.ConnectionTransport.Connection;
import dev.tern.coap.spi.Scheduler;
import java.net.InetSocketAddress;
import java.util.Arrays;

/** The transport's callbacks, on its I/O threads: each hops to the scheduler thread of the {@link ReliableLayer}. */
final class TransportEvents implements ConnectionTransport.Receiver {
    private final ReliableLayer layer;
    private final Scheduler scheduler;

    TransportEvents(ReliableLayer layer, Scheduler scheduler) {
        this.layer = layer;
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
        scheduler.execute(() -> layer.opened(connection));
    }

    @Override
    public void onData(Connection connection, byte[] data, int offset, int length) {
        byte[] copy = Arrays.copyOfRange(data, offset, offset + length); // the transport reuses its buffer
        scheduler.execute(() -> layer.data(connection, copy));
    }

    @Override
    public void onClosed(Connection connection, String reason) {
        scheduler.execute(() -> layer.closed(connection, reason));
    }

    @Override
    public void onConnectFailed(InetSocketAddress destination, CoapException cause) {
        scheduler.execute(() -> layer.connectFailed(destination, cause));
    }
}
