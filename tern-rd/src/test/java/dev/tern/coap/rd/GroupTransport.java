package dev.tern.coap.rd;

import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A server transport in memory on which every datagram arrives as one received on a multicast group
 * such as All-CoAP-Nodes (RFC 7252 §8, §12.8), the way the UDP transport reports it to the engine;
 * it records what the endpoint sends. Use it on the scheduler's thread only.
 */
final class GroupTransport implements Transport {
    /** One datagram the endpoint sent. */
    record Sent(byte[] data, InetSocketAddress destination) {
    }

    private final InetSocketAddress local;
    private final Scheduler scheduler;
    private final List<Sent> sent = new ArrayList<>();
    private Receiver receiver;

    GroupTransport(InetSocketAddress local, Scheduler scheduler) {
        this.local = local;
        this.scheduler = scheduler;
    }

    @Override
    public void start(Receiver r) {
        receiver = r;
    }

    /** Delivers {@code datagram} from {@code source} as received on the group, on the scheduler. */
    void deliverToGroup(byte[] datagram, InetSocketAddress source) {
        byte[] copy = datagram.clone();
        scheduler.execute(() -> receiver.onDatagram(copy, copy.length, source, true));
    }

    @Override
    public void send(byte[] data, int length, InetSocketAddress destination) {
        sent.add(new Sent(Arrays.copyOf(data, length), destination));
    }

    /** Every datagram sent so far, oldest first. */
    List<Sent> sent() {
        return sent;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public void close() {
        receiver = null;
    }
}
