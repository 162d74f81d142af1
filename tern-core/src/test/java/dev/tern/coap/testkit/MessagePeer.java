package dev.tern.coap.testkit;

import dev.tern.coap.internal.codec.Message;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * tern-core's own scripted peer: the published {@link ScriptedPeer}, speaking the engine's internal
 * {@link Message} instead of {@link CoapMessage}, for the engine's tests (which build messages with
 * {@link Messages}).
 */
public final class MessagePeer {
    private final ScriptedPeer peer;

    /** A peer at {@code address} talking to the endpoint behind {@code transport}. */
    public MessagePeer(InetSocketAddress address, InMemoryTransport transport, ManualScheduler scheduler) {
        this.peer = new ScriptedPeer(address, transport, scheduler);
    }

    /** This peer's address. */
    public InetSocketAddress address() {
        return peer.address();
    }

    /** Sends {@code m} to the endpoint, then runs the scheduler's pending tasks. */
    public void send(Message m) {
        peer.send(new CoapMessage(m.type(), m.code(), m.messageId(), m.token(), m.options(), m.payload()));
    }

    /** Sends a datagram written in hexadecimal (whitespace ignored), then runs pending tasks. */
    public void sendHex(String hex) {
        peer.sendHex(hex);
    }

    /** Sends raw bytes, then runs pending tasks. */
    public void sendBytes(byte[] datagram) {
        peer.sendBytes(datagram);
    }

    /** The next datagram the endpoint sent to this peer, raw; fails the test when there is none. */
    public byte[] expectBytes() {
        return peer.expectBytes();
    }

    /** The next message the endpoint sent to this peer, decoded; fails the test when there is none. */
    public Message expect() {
        return decode(expectBytes());
    }

    /** Decodes a datagram the endpoint sent; fails the test when it is not a valid message. */
    public static Message decode(byte[] data) {
        CoapMessage m = ScriptedPeer.decode(data);
        return new Message(m.type(), m.code(), m.messageId(), m.token(), m.options(), m.payload());
    }

    /** Fails the test if the endpoint sent this peer anything not yet read. */
    public void expectNothing() {
        peer.expectNothing();
    }

    /** Scheduler time (nanoTime) of every datagram sent to this peer, oldest first, read or not. */
    public List<Long> sentAt() {
        return peer.sentAt();
    }

    /** How many datagrams the endpoint has sent to this peer. */
    public int receivedCount() {
        return peer.receivedCount();
    }
}
