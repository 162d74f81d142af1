package dev.tern.coap.internal.message;

import dev.tern.coap.Bytes;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.Transport;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.random.RandomGenerator;

/**
 * Sends Confirmable messages reliably (RFC 7252 §4.2): the first timeout is random in
 * [ACK_TIMEOUT, ACK_TIMEOUT * ACK_RANDOM_FACTOR], doubled after each of at most MAX_RETRANSMIT
 * retransmissions; a matching ACK or RST stops it. Used on the endpoint's scheduler thread.
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
    private final HashMap<MessageKey, Outstanding> outstanding = new HashMap<>();

    /** Creates a retransmitter sending through {@code transport}. */
    public Retransmitter(Transport transport, Scheduler scheduler, EndpointConfig config, RandomGenerator random) {
        this.transport = transport;
        this.scheduler = scheduler;
        this.config = config;
        this.random = random;
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
        final MessageKey key;
        final Bytes token;
        final byte[] encoded;
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
            timeoutNanos *= 2;
            transport.send(encoded, encoded.length, key.peer(), association);
            arm();
        }
    }
}
