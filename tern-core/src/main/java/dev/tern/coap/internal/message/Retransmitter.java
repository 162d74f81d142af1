package dev.tern.coap.internal.message;

import dev.tern.coap.Bytes;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.Transport;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;

/**
 * Sends Confirmable messages reliably (RFC 7252 §4.2): the first timeout is random in
 * [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR], doubled after each of at most MAX_RETRANSMIT
 * retransmissions; a matching ACK or RST stops it. A listener may put a newer message in the place
 * of a retransmission ({@link Listener#replacement()}): the newer one continues the retransmission
 * counter and timeout of the one it replaces (RFC 7641 §4.5.2). Used on the endpoint's scheduler
 * thread.
 */
public final class Retransmitter {
    /** Told how a Confirmable message ended. */
    public interface Listener {
        /** The peer acknowledged; {@code ack} may carry a piggybacked response. */
        void onAcknowledged(Message ack);

        /** The peer answered with RST. */
        void onReset(Message rst);

        /** No ACK or RST after MAX_RETRANSMIT retransmissions (MAX_TRANSMIT_WAIT). */
        void onTimeout();

        /**
         * The timeout fired and the message is due for a retransmission: a listener with a newer
         * message to send in its place returns it, and the newer one goes out instead, with a new
         * Message ID, as that retransmission (RFC 7641 §4.5.2: it continues the retransmission counter
         * and timeout of the one it replaces, so a peer that never answers is still given up after
         * MAX_RETRANSMIT retransmissions). Null (the default) retransmits the message unchanged. The
         * retransmitter sets the returned message's type (CON) and Message ID.
         */
        default Message replacement() {
            return null;
        }

        /** The message from {@link #replacement()} went out as {@code sent}; an ACK or RST now matches it. */
        default void onReplaced(Message sent) {
        }

        /**
         * The message could not be sent at all ({@code cause}: over a reliable transport, larger than
         * the peer's Max-Message-Size, RFC 8323 §5.3.1); by default handled as a timeout.
         */
        default void onFailed(dev.tern.coap.CoapException cause) {
            onTimeout();
        }

        /** For CONs whose outcome nobody needs. */
        Listener NONE = new Listener() {
            @Override
            public void onAcknowledged(Message ack) {
            }

            @Override
            public void onReset(Message rst) {
            }

            @Override
            public void onTimeout() {
            }
        };
    }

    private final Transport transport;
    private final Scheduler scheduler;
    private final EndpointConfig config;
    private final RandomGenerator random;
    private final ToIntFunction<InetSocketAddress> messageIds;
    private final EndpointMetrics metrics;
    private final HashMap<MessageKey, Outstanding> outstanding = new HashMap<>();

    /**
     * Creates a retransmitter sending through {@code transport}; {@code messageIds} gives the Message
     * ID of a replacement ({@link Listener#replacement()}) for a peer; {@code metrics} counts
     * retransmissions (RFC 7252 §4.2).
     */
    public Retransmitter(Transport transport, Scheduler scheduler, EndpointConfig config, RandomGenerator random,
                         ToIntFunction<InetSocketAddress> messageIds, EndpointMetrics metrics) {
        this.metrics = metrics;
        this.transport = transport;
        this.scheduler = scheduler;
        this.config = config;
        this.random = random;
        this.messageIds = messageIds;
    }

    /** Sends the encoded CON {@code message} to {@code peer} now and retransmits it until it ends. */
    public void send(Message message, byte[] encoded, InetSocketAddress peer, Listener listener) {
        send(message, encoded, peer, null, listener);
    }

    /**
     * Like {@link #send(Message, byte[], InetSocketAddress, Listener)}, every transmission under the
     * security association {@code association} ({@link Transport#association}; null: by address).
     */
    public void send(Message message, byte[] encoded, InetSocketAddress peer, Object association,
                     Listener listener) {
        MessageKey key = new MessageKey(peer, message.messageId());
        Outstanding o = new Outstanding(key, message.token(), encoded, association, listener);
        Outstanding previous = outstanding.put(key, o);
        if (previous != null) {
            previous.stop();
        }
        long base = config.ackTimeout().toNanos();
        o.timeoutNanos = base + (long) (random.nextDouble() * base * (config.ackRandomFactor() - 1.0));
        transport.send(encoded, encoded.length, peer, association);
        o.arm();
    }

    /**
     * Ends the CON with this key because an ACK arrived; false when none was outstanding, or when the
     * ACK carries a piggybacked response whose token is not the CON's (§5.3.2: both must match), which
     * is ignored.
     */
    public boolean acknowledged(MessageKey key, Message ack) {
        Outstanding o = outstanding.get(key);
        if (o == null || (!ack.isEmpty() && !ack.token().equals(o.token))) {
            return false;
        }
        outstanding.remove(key);
        o.stop();
        o.listener.onAcknowledged(ack);
        return true;
    }

    /** Ends the CON with this key because an RST arrived; false when none was outstanding. */
    public boolean reset(MessageKey key, Message rst) {
        Outstanding o = outstanding.remove(key);
        if (o == null) {
            return false;
        }
        o.stop();
        o.listener.onReset(rst);
        return true;
    }

    /** Stops retransmitting without telling the listener (the exchange ended otherwise). */
    public void cancel(MessageKey key) {
        Outstanding o = outstanding.remove(key);
        if (o != null) {
            o.stop();
        }
    }

    /** The number of CONs awaiting an ACK. */
    public int outstanding() {
        return outstanding.size();
    }

    private final class Outstanding implements Runnable {
        MessageKey key;
        Bytes token;
        byte[] encoded;
        final Object association;
        final Listener listener;
        long timeoutNanos;
        int retransmissions;
        Scheduler.Cancellable timer;

        Outstanding(MessageKey key, Bytes token, byte[] encoded, Object association, Listener listener) {
            this.key = key;
            this.token = token;
            this.encoded = encoded;
            this.association = association;
            this.listener = listener;
        }

        void arm() {
            timer = scheduler.schedule(this, timeoutNanos);
        }

        void stop() {
            if (timer != null) {
                timer.cancel();
            }
        }

        @Override
        public void run() {
            if (outstanding.get(key) != this) {
                return;
            }
            if (retransmissions >= config.maxRetransmit()) {
                outstanding.remove(key);
                listener.onTimeout();
                return;
            }
            retransmissions++;
            metrics.retransmission();
            timeoutNanos *= 2;
            Message newer = listener.replacement();
            if (newer == null) {
                transport.send(encoded, encoded.length, key.peer(), association);
                arm();
                return;
            }
            Message sent = newer.withTypeAndId(MessageType.CON, messageIds.applyAsInt(key.peer()));
            outstanding.remove(key);
            key = new MessageKey(key.peer(), sent.messageId());
            token = sent.token();
            encoded = MessageEncoder.encode(sent);
            Outstanding clash = outstanding.put(key, this);
            if (clash != null) {
                clash.stop(); // a Message ID reused within its lifetime: as in send()
            }
            transport.send(encoded, encoded.length, key.peer(), association);
            arm();
            listener.onReplaced(sent);
        }
    }
}
