package dev.tern.coap.internal.message;

import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.internal.codec.MessageFormatError;
import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.Transport;
import java.net.InetSocketAddress;
import java.util.random.RandomGenerator;

/**
 * The message layer of RFC 7252 §4: message types, Message IDs, duplicate detection, reliable
 * transmission of CONs, RST and CoAP ping. It passes requests and responses up to the exchange
 * layer exactly once, and answers duplicates from the deduplication cache.
 */
public final class MessageLayer {
    /** What sits above the message layer: the exchange layer (RFC 7252 §5). */
    public interface Upper {
        /** A new (not duplicate) CON or NON request. Store the reply in {@code entry}. */
        void onRequest(Message request, InetSocketAddress peer, DeduplicationCache.Entry entry, boolean multicast);

        /** A new CON or NON response (a separate response, RFC 7252 §5.2.2). */
        void onResponse(Message response, InetSocketAddress peer, DeduplicationCache.Entry entry);

        /** An RST that matched no outstanding CON, e.g. one rejecting a NON notification (RFC 7641 §3.6). */
        default void onUnmatchedReset(MessageKey key) {
        }
    }

    private final Transport transport;
    private final Scheduler scheduler;
    private final DeduplicationCache deduplication;
    private final MessageIdAllocator messageIds;
    private final Retransmitter retransmitter;
    private Upper upper;

    /** Creates the layer over {@code transport}. */
    public MessageLayer(Transport transport, Scheduler scheduler, EndpointConfig config, RandomGenerator random) {
        this.transport = transport;
        this.scheduler = scheduler;
        this.deduplication = new DeduplicationCache(config.maxDeduplicationEntries(),
                config.exchangeLifetime().toNanos(), config.nonLifetime().toNanos());
        this.messageIds = new MessageIdAllocator(config.maxPeers(), random);
        this.retransmitter = new Retransmitter(transport, scheduler, config, random);
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
        if (error.confirmable() && error.versionOk() && error.messageId() >= 0 && !multicast) {
            sendReset(error.messageId(), peer);
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
                    retransmitter.acknowledged(new MessageKey(peer, m.messageId()), m);
                }
                break;
            default:
                // §4.2: an RST must be empty; a non-empty one is ignored.
                if (m.isEmpty()) {
                    MessageKey key = new MessageKey(peer, m.messageId());
                    if (!retransmitter.reset(key, m)) {
                        upper.onUnmatchedReset(key);
                    }
                }
                break;
        }
    }

    private void receiveConfirmable(Message m, InetSocketAddress peer, boolean multicast) {
        if (multicast) {
            return; // §8.1: multicast requests must be NON; never answer a CON to a group with RST
        }
        if (m.isEmpty() || m.code().isReserved()) {
            sendReset(m.messageId(), peer); // §4.3 CoAP ping, §4.2 unknown code class
            return;
        }
        DeduplicationCache.Entry entry = deduplication.record(new MessageKey(peer, m.messageId()), true,
                scheduler.nanoTime());
        if (entry.isDuplicate()) {
            byte[] reply = entry.reply();
            if (reply != null) {
                transport.send(reply, reply.length, peer); // §4.5: same ACK/response again
            }
            return;
        }
        dispatch(m, peer, entry, false);
    }

    private void receiveNonConfirmable(Message m, InetSocketAddress peer, boolean multicast) {
        if (m.isEmpty() || m.code().isReserved()) {
            return; // §4.3: may RST, we stay silent
        }
        DeduplicationCache.Entry entry = deduplication.record(new MessageKey(peer, m.messageId()), false,
                scheduler.nanoTime());
        if (entry.isDuplicate()) {
            return; // §4.5: a duplicate NON is ignored
        }
        dispatch(m, peer, entry, multicast);
    }

    private void dispatch(Message m, InetSocketAddress peer, DeduplicationCache.Entry entry, boolean multicast) {
        if (m.code().isRequest()) {
            upper.onRequest(m, peer, entry, multicast);
        } else if (!multicast) {
            upper.onResponse(m, peer, entry);
        }
    }

    /** Sends an RST with {@code messageId} and returns its encoding. */
    public byte[] sendReset(int messageId, InetSocketAddress peer) {
        return sendReply(Message.empty(MessageType.RST, messageId), peer);
    }

    /** Sends an empty ACK with {@code messageId} and returns its encoding. */
    public byte[] sendEmptyAck(int messageId, InetSocketAddress peer) {
        return sendReply(Message.empty(MessageType.ACK, messageId), peer);
    }

    /** Sends a reply (ACK or RST, whose Message ID is the request's) once and returns its encoding. */
    public byte[] sendReply(Message reply, InetSocketAddress peer) {
        byte[] encoded = MessageEncoder.encode(reply);
        transport.send(encoded, encoded.length, peer);
        return encoded;
    }

    /**
     * Sends {@code m} with a new Message ID: reliably when it is CON (RFC 7252 §4.2), once when NON.
     *
     * @return the message as sent, with its Message ID
     */
    public Message sendNew(Message m, InetSocketAddress peer, Retransmitter.Listener listener) {
        Message sent = m.withTypeAndId(m.type(), messageIds.next(peer));
        byte[] encoded = MessageEncoder.encode(sent);
        if (sent.type() == MessageType.CON) {
            retransmitter.send(sent, encoded, peer, listener);
        } else {
            transport.send(encoded, encoded.length, peer);
        }
        return sent;
    }

    /** Stops retransmitting a CON whose exchange ended otherwise. */
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
