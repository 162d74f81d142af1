package dev.tern.coap.spi;

import java.net.InetSocketAddress;

/**
 * A datagram transport under the CoAP engine: UDP, DTLS or an in-memory network in tests.
 * Received datagrams are delivered on the endpoint's {@link Scheduler} thread.
 */
public interface Transport extends AutoCloseable {
    /** Starts delivering received datagrams to {@code receiver}. */
    void start(Receiver receiver);

    /**
     * Sends {@code length} bytes of {@code data} to {@code destination}; may drop silently like UDP.
     * {@code data} is only valid during the call (the engine reuses it): a transport that sends
     * later must copy it.
     */
    void send(byte[] data, int length, InetSocketAddress destination);

    /** The bound local address. */
    InetSocketAddress localAddress();

    /** Stops receiving and releases the socket. */
    @Override
    void close();

    /** Receives datagrams. */
    @FunctionalInterface
    interface Receiver {
        /**
         * One datagram. {@code data} is only valid during the call (the transport reuses it).
         *
         * @param multicast whether it arrived on a multicast group address
         */
        void onDatagram(byte[] data, int length, InetSocketAddress source, boolean multicast);
    }
}
