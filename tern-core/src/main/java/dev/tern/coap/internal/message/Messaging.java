package dev.tern.coap.internal.message;

import dev.tern.coap.internal.codec.Message;
import java.net.InetSocketAddress;

/**
 * What the exchange, observe and block-wise layers send through: the RFC 7252 §4 message layer
 * over datagrams ({@link MessageLayer}), or the RFC 8323 §5 signaling layer over connections
 * ({@code internal.reliable.ReliableLayer}), which has no Message IDs, types, acknowledgements or
 * deduplication. The exchange layers write datagram-style messages (CON/NON/ACK with Message IDs);
 * a reliable implementation ignores what RFC 8323 §3 has no field for, drops empty ACKs and RSTs,
 * and reports a CON as acknowledged as soon as it is written (the connection is reliable).
 */
public interface Messaging {
    /**
     * The security association (RFC 7252 §9.1) or connection (RFC 8323) through which messages from
     * {@code peer} arrive now, to bind an exchange or relation to; null over plain UDP.
     */
    Object association(InetSocketAddress peer);

    /** Sends an RST with {@code messageId} as the reply recorded for {@code entry}. */
    void replyReset(long entry, int messageId, InetSocketAddress peer);

    /** Sends an empty ACK with {@code messageId} as the reply recorded for {@code entry}. */
    default void replyEmptyAck(long entry, int messageId, InetSocketAddress peer) {
        replyEmptyAck(entry, messageId, peer, null);
    }

    /** {@link #replyEmptyAck(long, int, InetSocketAddress)} under {@code association}. */
    void replyEmptyAck(long entry, int messageId, InetSocketAddress peer, Object association);

    /** Sends a reply (ACK or RST) once and records it for {@code entry} (RFC 7252 §4.5). */
    default void reply(long entry, Message reply, InetSocketAddress peer) {
        reply(entry, reply, peer, null);
    }

    /** {@link #reply(long, Message, InetSocketAddress)} under {@code association} (null: by address). */
    void reply(long entry, Message reply, InetSocketAddress peer, Object association);

    /** Sends {@code m} with a new Message ID; reliably when CON. Returns the message as sent. */
    default Message sendNew(Message m, InetSocketAddress peer, Retransmitter.Listener listener) {
        return sendNew(m, peer, null, listener);
    }

    /** {@link #sendNew(Message, InetSocketAddress, Retransmitter.Listener)} under {@code association}. */
    Message sendNew(Message m, InetSocketAddress peer, Object association, Retransmitter.Listener listener);

    /** Stops retransmitting a CON whose exchange ended otherwise. */
    void cancel(MessageKey key);

    /**
     * Whether a new message may go to {@code peer} now without reusing a Message ID used with it
     * within EXCHANGE_LIFETIME (RFC 7252 §4.4); always true on connections (RFC 8323 has no Message ID).
     */
    default boolean messageIdAvailable(InetSocketAddress peer) {
        return true;
    }
}
