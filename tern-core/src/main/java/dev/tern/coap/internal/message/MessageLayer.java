package dev.tern.coap.internal.message;

import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.internal.codec.MessageFormatError;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The message layer of RFC 7252 §4: message types, Message IDs, duplicate detection, reliable
 * transmission of CONs, RST and CoAP ping. It passes requests and responses up to the exchange
 * layer exactly once, and answers duplicates from the deduplication cache.
 */
public final class MessageLayer implements Messaging {
    /** Replies up to this size are encoded without allocating; larger ones get an array of their own. */
    private static final int REPLY_BUFFER = 2048;
    /** What sits above the message layer: the exchange layer (RFC 7252 §5). */
    public interface Upper {
        /**
         * A new (not duplicate) CON or NON request. Send its reply with {@link #reply} and {@code entry}
         * (its deduplication entry), so that a duplicate gets the same reply.
         */
        void onRequest(Message request, InetSocketAddress peer, long entry, boolean multicast);

        /** A new CON or NON response (a separate response, RFC 7252 §5.2.2); {@code entry} as for requests. */
        void onResponse(Message response, InetSocketAddress peer, long entry);

        /** An RST that matched no outstanding CON, e.g. one rejecting a NON notification (RFC 7641 §3.6). */
        default void onUnmatchedReset(MessageKey key) {
        }
    }

    private final Transport transport;
    private final Scheduler scheduler;
    private final DeduplicationCache deduplication;
    private final MessageIdAllocator messageIds;
    private final Retransmitter retransmitter;
    private final EndpointMetrics metrics;
    /** Replies are encoded here, sent and copied into the deduplication cache: no array per reply. */
    private final byte[] replyBuffer = new byte[REPLY_BUFFER];
    private Upper upper;

    /** Creates the layer over {@code transport}, telling {@code metrics} of duplicates, drops and retransmissions. */
    public MessageLayer(Transport transport, Scheduler scheduler, EndpointConfig config, RandomGenerator random,
                        EndpointMetrics metrics) {
        this.transport = transport;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.deduplication = new DeduplicationCache(config.maxDeduplicationEntries(),
                config.exchangeLifetime().toNanos(), config.nonLifetime().toNanos(),
                ThreadLocalRandom.current().nextLong()); // not from random: that would shift its sequence
        this.messageIds = new MessageIdAllocator(config.maxPeers(), random, scheduler::nanoTime,
                config.exchangeLifetime().toNanos());
        this.retransmitter = new Retransmitter(transport, scheduler, config, random, messageIds::next, metrics);
    }

    /** Connects the exchange layer. */
    public void setUpper(Upper upper) {
        this.upper = upper;
    }

    /**
     * A datagram that is not a valid message: CON gets RST, everything else silence; other
     * versions and unreadable headers are always silently dropped (RFC 7252 §3, §4.2, §4.3).
     */
    public void rejectMalformed(MessageFormatError error, InetSocketAddress peer, boolean multicast) {
        metrics.datagramDropped(EndpointMetrics.DropReason.MALFORMED);
        if (error.confirmable() && error.versionOk() && error.messageId() >= 0 && !multicast) {
            reply(DeduplicationCache.NO_ENTRY, Message.empty(MessageType.RST, error.messageId()), peer);
        }
    }

    /** Applies RFC 7252 §4 to one received message. */
    public void receive(Message m, InetSocketAddress peer, boolean multicast) {
        switch (m.type()) {
            case CON:
                receiveConfirmable(m, peer, multicast);
                break;
            case NON:
                receiveNonConfirmable(m, peer, multicast);
                break;
            case ACK:
                // §4.2: an ACK carries the empty code or a response; anything else is ignored.
                if (m.isEmpty() || m.code().isResponse()) {
                    if (!retransmitter.acknowledged(new MessageKey(peer, m.messageId()), m)) {
                        metrics.datagramDropped(EndpointMetrics.DropReason.UNMATCHED);
                    }
                } else {
                    metrics.datagramDropped(EndpointMetrics.DropReason.UNEXPECTED);
                }
                break;
            default:
                // §4.2: an RST must be empty; a non-empty one is ignored.
                if (m.isEmpty()) {
                    MessageKey key = new MessageKey(peer, m.messageId());
                    if (!retransmitter.reset(key, m)) {
                        upper.onUnmatchedReset(key);
                    }
                } else {
                    metrics.datagramDropped(EndpointMetrics.DropReason.UNEXPECTED);
                }
                break;
        }
    }

    private void receiveConfirmable(Message m, InetSocketAddress peer, boolean multicast) {
        if (multicast) {
            metrics.datagramDropped(EndpointMetrics.DropReason.MULTICAST);
            return; // §8.1: multicast requests must be NON; never answer a CON to a group with RST
        }
        if (m.code().isReserved()) {
            metrics.datagramDropped(EndpointMetrics.DropReason.UNEXPECTED);
        }
        if (m.isEmpty() || m.code().isReserved()) {
            reply(DeduplicationCache.NO_ENTRY, Message.empty(MessageType.RST, m.messageId()), peer); // §4.3 ping, §4.2
            return;
        }
        long entry = deduplication.record(peer, m.messageId(), true, scheduler.nanoTime());
        if (DeduplicationCache.isDuplicate(entry)) {
            metrics.duplicate();
            byte[] reply = deduplication.reply(entry);
            if (reply != null) {
                transport.send(reply, reply.length, peer); // §4.5: same ACK/response again
            }
            return;
        }
        dispatch(m, peer, entry, false);
    }

    private void receiveNonConfirmable(Message m, InetSocketAddress peer, boolean multicast) {
        if (m.isEmpty() || m.code().isReserved()) {
            metrics.datagramDropped(EndpointMetrics.DropReason.UNEXPECTED);
            return; // §4.3: may RST, we stay silent
        }
        long entry = deduplication.record(peer, m.messageId(), false, scheduler.nanoTime());
        if (DeduplicationCache.isDuplicate(entry)) {
            metrics.duplicate();
            return; // §4.5: a duplicate NON is ignored
        }
        dispatch(m, peer, entry, multicast);
    }

    private void dispatch(Message m, InetSocketAddress peer, long entry, boolean multicast) {
        if (m.code().isRequest()) {
            upper.onRequest(m, peer, entry, multicast);
        } else if (!multicast) {
            upper.onResponse(m, peer, entry);
        } else {
            metrics.datagramDropped(EndpointMetrics.DropReason.MULTICAST);
        }
    }

    /**
     * The security association datagrams from {@code peer} arrive through now (RFC 7252 §9.1), to
     * bind an exchange or relation to; null over plain UDP ({@link Transport#association}).
     */
    @Override
    public Object association(InetSocketAddress peer) {
        return transport.association(peer);
    }

    /** Sends an RST with {@code messageId} as the reply recorded for {@code entry}. */
    @Override
    public void replyReset(long entry, int messageId, InetSocketAddress peer) {
        reply(entry, Message.empty(MessageType.RST, messageId), peer);
    }

    /** Sends an empty ACK with {@code messageId} as the reply recorded for {@code entry}. */
    @Override
    public void replyEmptyAck(long entry, int messageId, InetSocketAddress peer) {
        replyEmptyAck(entry, messageId, peer, null);
    }

    /** {@link #replyEmptyAck(long, int, InetSocketAddress)} under {@code association}. */
    @Override
    public void replyEmptyAck(long entry, int messageId, InetSocketAddress peer, Object association) {
        reply(entry, Message.empty(MessageType.ACK, messageId), peer, association);
    }

    /**
     * Sends a reply (ACK or RST, whose Message ID is the request's) once, and records it for
     * {@code entry} (a deduplication entry, or {@link DeduplicationCache#NO_ENTRY}) so that a
     * duplicate of the request gets it again (RFC 7252 §4.5).
     */
    @Override
    public void reply(long entry, Message reply, InetSocketAddress peer) {
        reply(entry, reply, peer, null);
    }

    /**
     * {@link #reply(long, Message, InetSocketAddress)} under the security association of the
     * request ({@link Transport#send(byte[], int, InetSocketAddress, Object)}; null: by address).
     */
    @Override
    public void reply(long entry, Message reply, InetSocketAddress peer, Object association) {
        int size = MessageEncoder.encodedSize(reply);
        byte[] buffer = size <= replyBuffer.length ? replyBuffer : new byte[size];
        MessageEncoder.encode(reply, buffer, 0);
        transport.send(buffer, size, peer, association); // the transport does not keep the array (Transport#send)
        deduplication.reply(entry, buffer, size);
    }

    /**
     * Sends {@code m} with a new Message ID: reliably when it is CON (RFC 7252 §4.2), once when NON.
     *
     * @return the message as sent, with its Message ID
     */
    @Override
    public Message sendNew(Message m, InetSocketAddress peer, Retransmitter.Listener listener) {
        return sendNew(m, peer, null, listener);
    }

    /**
     * {@link #sendNew(Message, InetSocketAddress, Retransmitter.Listener)} under the security
     * association {@code association} (null: by address), retransmissions included.
     */
    @Override
    public Message sendNew(Message m, InetSocketAddress peer, Object association, Retransmitter.Listener listener) {
        Message sent = m.withTypeAndId(m.type(), messageIds.next(peer));
        byte[] encoded = MessageEncoder.encode(sent);
        if (sent.type() == MessageType.CON) {
            retransmitter.send(sent, encoded, peer, association, listener);
        } else {
            transport.send(encoded, encoded.length, peer, association);
        }
        return sent;
    }

    /**
     * Whether a new message may go to {@code peer} now without reusing a Message ID used with it
     * within EXCHANGE_LIFETIME (RFC 7252 §4.4).
     */
    @Override
    public boolean messageIdAvailable(InetSocketAddress peer) {
        return messageIds.available(peer);
    }

    /** Stops retransmitting a CON whose exchange ended otherwise. */
    @Override
    public void cancel(MessageKey key) {
        retransmitter.cancel(key);
    }

    /** Peers with Message ID state (bounded by maxPeers). */
    public int peers() {
        return messageIds.peers();
    }

    /** Deduplication cache entries. */
    public int deduplicationEntries() {
        return deduplication.size();
    }

    /** CONs awaiting an ACK. */
    public int outstandingConfirmables() {
        return retransmitter.outstanding();
    }
}
