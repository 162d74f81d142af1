package dev.tern.coap.cluster.internal;

import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.Transport;
import java.net.InetSocketAddress;

/**
 * The cluster's place in the pipeline: a {@link Transport} between the UDP socket and the DTLS
 * transport of one endpoint. A {@code tls12_cid} record (RFC 9146 §4) whose Connection ID names
 * another live node (its first CID byte, at byte 11 of the record) goes to that node through the
 * {@link Forwarder} instead of up; records that node forwards here come up as if from the client;
 * datagrams to a client whose records come through another node go back through that node; what
 * goes to one node while the I/O thread handles one read batch leaves as one batch ({@link Outbox}). The
 * test is one byte comparison per datagram: no Redis, no lookup, on the request path. Once the node
 * has left the cluster (its id may be leased to another node) the endpoint neither receives nor
 * sends: its sessions' Connection IDs no longer name it.
 */
public final class ForwardingTransport implements Transport {
    private static final int TLS12_CID = 25;
    private static final int CID_OFFSET = 11;

    private final Transport datagrams;
    private final Scheduler scheduler;
    private final Forwarder forwarder;
    /** Frames out of this endpoint, from its I/O thread (batched) or an application's thread. */
    private final Outbox outbox;
    private Receiver receiver;

    /** Forwarding in front of {@code datagrams}, whose datagrams arrive on {@code scheduler}'s thread. */
    public ForwardingTransport(Transport datagrams, Scheduler scheduler, Forwarder forwarder) {
        this.datagrams = datagrams;
        this.scheduler = scheduler;
        this.forwarder = forwarder;
        this.outbox = forwarder.outbox(scheduler);
    }

    @Override
    public void start(Receiver r) {
        this.receiver = r;
        forwarder.register(this);
        datagrams.start(this::onDatagram);
    }

    private void onDatagram(byte[] data, int length, InetSocketAddress source, boolean multicast) {
        if (forwarder.closed()) {
            return;
        }
        if (!multicast && length > CID_OFFSET && data[0] == TLS12_CID) {
            int node = data[CID_OFFSET] & 0xFF;
            if (node != forwarder.nodeId()) {
                if (forwarder.forward(outbox, node, source, data, length)) {
                    return;
                }
            }
        }
        if (forwarder.hasRoutes()) {
            forwarder.direct(source);
        }
        receiver.onDatagram(data, length, source, multicast);
    }

    Scheduler scheduler() {
        return scheduler;
    }

    /**
     * A record another node forwarded: up as if from {@code client}; directly when the internal
     * port is read on this endpoint's I/O thread, else a copy is handed to that thread.
     */
    void inject(byte[] record, int length, InetSocketAddress client) {
        Receiver r = receiver;
        if (r == null) {
            return;
        }
        if (scheduler.inSchedulerThread()) {
            r.onDatagram(record, length, client, false);
            return;
        }
        byte[] copy = java.util.Arrays.copyOf(record, length);
        scheduler.execute(() -> r.onDatagram(copy, copy.length, client, false));
    }

    /**
     * A reply another node owes {@code client}: out of this node's public socket, from the thread
     * that read it (the UDP transport sends from any thread; no hop to the I/O thread).
     */
    void sendDirect(byte[] data, int length, InetSocketAddress client) {
        if (!forwarder.closed()) {
            datagrams.send(data, length, client);
        }
    }

    @Override
    public void send(byte[] data, int length, InetSocketAddress destination) {
        if (forwarder.closed()) {
            return;
        }
        if (forwarder.hasRoutes()) {
            if (forwarder.relay(outbox, destination, data, length)) {
                return;
            }
        }
        datagrams.send(data, length, destination);
    }

    @Override
    public InetSocketAddress localAddress() {
        return datagrams.localAddress();
    }

    @Override
    public void close() {
        forwarder.unregister(this);
        datagrams.close();
    }
}
