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

    /**
     * Sends like {@link #send(byte[], int, InetSocketAddress)}, but under the security association
     * {@code association} (a value {@link #association} returned): a secure transport sends under
     * that session, to the peer's current confirmed address, or drops the datagram when that
     * session has ended, so that a response or notification never goes out under another session
     * that holds {@code destination} now (RFC 7252 §9.1: they belong to the DTLS session of their
     * request). A null association, and every plain transport, send by address.
     */
    default void send(byte[] data, int length, InetSocketAddress destination, Object association) {
        send(data, length, destination);
    }

    /**
     * The security association (e.g. the DTLS session) through which datagrams from {@code peer}
     * currently arrive, as an opaque value to pass back to {@link #send(byte[], int,
     * InetSocketAddress, Object)}; null when there is none (always null for plain UDP). Called on
     * the scheduler thread, when a request is received.
     */
    default Object association(InetSocketAddress peer) {
        return null;
    }

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

        /**
         * The security association {@code association} (a value of {@link Transport#association})
         * ended: closed, expired, evicted or replaced by a new handshake. The engine drops the state
         * bound to it, such as observe relations (RFC 7252 §9.1, RFC 7641 §4). Called on the
         * scheduler thread.
         */
        default void onAssociationEnded(Object association) {
        }
    }
}
