package dev.tern.coap.spi;

import dev.tern.coap.CoapException;
import dev.tern.coap.PeerIdentity;
import java.net.InetSocketAddress;

/**
 * A connection-oriented transport under the CoAP engine (RFC 8323): TCP, TLS or WebSocket. It
 * only moves bytes: the engine does the framing (§3.2, or §4.2 for one message per WebSocket
 * frame), the signaling (§5: CSM, Ping/Pong, Release, Abort), the exchanges, and enforces every
 * bound in {@link #settings()}. {@code tern-tcp} provides implementations.
 *
 * <p>The transport calls its {@link Receiver} from its own I/O threads, in order per connection;
 * the engine moves the work to its {@link Scheduler}.
 */
public interface ConnectionTransport extends AutoCloseable {
    /** The URI scheme this transport serves, e.g. {@code coap+tcp} (RFC 8323 §8). */
    String scheme();

    /** The bounds and CSM values the engine applies to every connection of this transport. */
    ReliableSettings settings();

    /** Starts accepting connections (a server transport) and delivering events to {@code receiver}. */
    void start(Receiver receiver);

    /**
     * Opens a connection to {@code destination} (a client transport); the receiver then gets
     * {@link Receiver#onOpened} with a connection whose {@link Connection#remoteAddress()} is
     * {@code destination}, or {@link Receiver#onConnectFailed}. A server-only transport fails it.
     */
    void connect(InetSocketAddress destination);

    /** The listening address; for a client-only transport the wildcard address with port 0. */
    InetSocketAddress localAddress();

    /** Closes every connection and the listener. */
    @Override
    void close();

    /** One connection: the security association and peer context of RFC 8323 §3 and §9. */
    interface Connection {
        /** The peer: the address the connection was opened to, or accepted from. */
        InetSocketAddress remoteAddress();

        /** Whether this side opened the connection (it is the client, RFC 8323 §3.1). */
        boolean initiated();

        /**
         * Whether each {@link Receiver#onData} call carries exactly one message without a length
         * (WebSocket, RFC 8323 §4.2), rather than a byte stream of length-framed messages (§3.2).
         */
        boolean messageFramed();

        /**
         * Writes one encoded message (a frame from the engine's codec). Thread-safe; {@code frame}
         * belongs to the transport after the call.
         */
        void send(byte[] frame);

        /** Closes the connection after the messages already sent are written. */
        void close();

        /** Who the peer authenticated as (TLS), or null on a plain connection. */
        default PeerIdentity peerIdentity() {
            return null;
        }
    }

    /** Receives connection events. */
    interface Receiver {
        /** A connection is open (accepted, or opened by {@link ConnectionTransport#connect}). */
        void onOpened(Connection connection);

        /**
         * Bytes from the peer; {@code data} is only valid during the call. For a
         * {@link Connection#messageFramed()} connection, exactly one message.
         */
        void onData(Connection connection, byte[] data, int offset, int length);

        /** The connection closed or was reset; {@code reason} says why, for diagnostics. */
        void onClosed(Connection connection, String reason);

        /** {@link ConnectionTransport#connect} to {@code destination} failed. */
        void onConnectFailed(InetSocketAddress destination, CoapException cause);
    }
}
