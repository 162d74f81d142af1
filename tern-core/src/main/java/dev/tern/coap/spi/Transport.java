package dev.tern.coap.spi;

import dev.tern.coap.CoapException;
import dev.tern.coap.PeerIdentity;
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

    /**
     * Who {@code peer} authenticated as, for a secure transport with an established session to it;
     * null otherwise (always null for plain UDP). Called on the scheduler thread.
     */
    default PeerIdentity peerIdentity(InetSocketAddress peer) {
        return null;
    }

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

        /**
         * The transport cannot reach {@code peer} securely (for example its DTLS handshake failed);
         * the engine fails the requests waiting for that peer with {@code cause} instead of letting
         * them time out. Called on the scheduler thread.
         */
        default void onPeerFailure(InetSocketAddress peer, CoapException cause) {
        }
    }
}
