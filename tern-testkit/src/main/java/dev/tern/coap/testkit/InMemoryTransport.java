package dev.tern.coap.testkit;

import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A datagram {@link Transport} (the layer under RFC 7252 §3 messages) without sockets: it records every datagram the endpoint sends (with the
 * scheduler time it was sent at) and hands datagrams given to {@link #deliver} to the endpoint's
 * receiver, on the calling (scheduler) thread. Delivered bytes sit in a reused buffer that is
 * overwritten after each delivery, like a real socket's, so an engine that keeps a reference to it
 * sees garbage.
 */
public final class InMemoryTransport implements Transport {
    /** One datagram sent by the endpoint. */
    public record Datagram(byte[] data, InetSocketAddress destination, long sentAtNanos) {
    }

    private final InetSocketAddress local;
    private final Scheduler clock;
    private final List<Datagram> sent = new ArrayList<>();
    private final byte[] buffer = new byte[65_536];
    private final InMemoryNetwork network;
    private Receiver receiver;
    private boolean closed;

    /**
     * A transport bound to {@code local}, stamping sent datagrams with {@code clock}'s time; it only records
     * what the endpoint sends ({@link InMemoryNetwork#transport} makes one that also delivers it).
     */
    public InMemoryTransport(InetSocketAddress local, Scheduler clock) {
        this(local, clock, null);
    }

    InMemoryTransport(InetSocketAddress local, Scheduler clock, InMemoryNetwork network) {
        this.local = Objects.requireNonNull(local, "local");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.network = network;
    }

    @Override
    public void start(Receiver r) {
        if (receiver != null) {
            throw new IllegalStateException("already started");
        }
        receiver = r;
    }

    @Override
    public void send(byte[] data, int length, InetSocketAddress destination) {
        if (closed) {
            return;
        }
        byte[] copy = Arrays.copyOf(data, length);
        sent.add(new Datagram(copy, destination, clock.nanoTime()));
        if (network != null) {
            network.route(copy, local, destination);
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Hands one datagram from {@code source} to the endpoint. */
    public void deliver(byte[] data, InetSocketAddress source) {
        if (receiver == null) {
            throw new IllegalStateException("transport not started");
        }
        if (closed) {
            return;
        }
        System.arraycopy(data, 0, buffer, 0, data.length);
        try {
            receiver.onDatagram(buffer, data.length, source, false);
        } finally {
            Arrays.fill(buffer, 0, Math.max(data.length, 64), (byte) 0xEE);
        }
    }

    /** Every datagram sent so far, oldest first. */
    public List<Datagram> sent() {
        return Collections.unmodifiableList(sent);
    }

    /** The datagrams sent to {@code destination}, oldest first. */
    public List<Datagram> sentTo(InetSocketAddress destination) {
        List<Datagram> out = new ArrayList<>();
        for (Datagram d : sent) {
            if (d.destination().equals(destination)) {
                out.add(d);
            }
        }
        return out;
    }
}
