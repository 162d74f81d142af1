package dev.tern.coap.testkit;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapMessageFormatException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A fake remote CoAP endpoint at its own address, scripted by the test message by message (RFC
 * 7252 §4, §5): it sends datagrams to the endpoint under test, whose {@link InMemoryTransport} it
 * talks to, and reads, in order, the datagrams that endpoint sent to it. A failed expectation
 * throws {@link AssertionError}, which every test framework reports as a failure.
 *
 * <pre>{@code
 * ScriptedPeer server = network.peer(new InetSocketAddress("192.0.2.9", 5683), client);
 * CompletableFuture<Response> f = client.send(Request.get("coap://192.0.2.9/slow").build());
 * CoapMessage request = server.expect();                                  // the client's CON GET
 * server.send(CoapMessage.empty(MessageType.ACK, request.messageId()));  // empty ACK: separate response follows
 * server.send(CoapMessage.response(MessageType.CON, Code.CONTENT, 0x7001, request.token(), "done"));
 * server.expect();                                                        // the client ACKs it (§5.2.2)
 * }</pre>
 */
public final class ScriptedPeer {
    private final InetSocketAddress address;
    private final InMemoryTransport transport;
    private final ManualScheduler scheduler;
    private int read;

    /**
     * A peer at {@code address} talking to the endpoint behind {@code transport}, whose scheduler is
     * {@code scheduler}.
     */
    public ScriptedPeer(InetSocketAddress address, InMemoryTransport transport, ManualScheduler scheduler) {
        this.address = Objects.requireNonNull(address, "address");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** This peer's address: the source of what it sends, the destination it reads. */
    public InetSocketAddress address() {
        return address;
    }

    /** Sends {@code m} to the endpoint (RFC 7252 §3 encoding), then runs the scheduler's pending tasks. */
    public void send(CoapMessage m) {
        sendBytes(m.encode());
    }

    /** Sends a datagram written in hexadecimal (whitespace ignored), then runs pending tasks. */
    public void sendHex(String hex) {
        sendBytes(Bytes.fromHex(hex.replaceAll("\\s+", "")).toArray());
    }

    /** Sends raw bytes (malformed ones too: RFC 7252 §4.2 message format errors), then runs pending tasks. */
    public void sendBytes(byte[] datagram) {
        transport.deliver(datagram, address);
        scheduler.runPending();
    }

    /**
     * The next datagram the endpoint sent to this peer, raw.
     *
     * @throws AssertionError when the endpoint sent nothing more
     */
    public byte[] expectBytes() {
        scheduler.runPending();
        List<InMemoryTransport.Datagram> all = transport.sentTo(address);
        if (read >= all.size()) {
            throw new AssertionError("expected a datagram to " + address + " but the endpoint sent nothing more (t="
                    + scheduler.nanoTime() / 1_000_000 + " ms)");
        }
        return all.get(read++).data();
    }

    /**
     * The next message the endpoint sent to this peer, decoded (RFC 7252 §3).
     *
     * @throws AssertionError when there is none, or it is not a valid CoAP message
     */
    public CoapMessage expect() {
        return decode(expectBytes());
    }

    /**
     * Decodes a datagram the endpoint sent.
     *
     * @throws AssertionError when it is not a valid CoAP message (RFC 7252 §3)
     */
    public static CoapMessage decode(byte[] data) {
        try {
            return CoapMessage.decode(data);
        } catch (CoapMessageFormatException e) {
            throw new AssertionError("endpoint sent an undecodable datagram " + Bytes.wrap(data).hex() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Checks that the endpoint sent this peer nothing not yet read.
     *
     * @throws AssertionError listing what it sent when it did
     */
    public void expectNothing() {
        scheduler.runPending();
        List<InMemoryTransport.Datagram> all = transport.sentTo(address);
        if (read < all.size()) {
            List<String> extra = new ArrayList<>();
            for (int i = read; i < all.size(); i++) {
                byte[] d = all.get(i).data();
                try {
                    extra.add(CoapMessage.decode(d).toString());
                } catch (CoapMessageFormatException e) {
                    extra.add(Bytes.wrap(d).hex());
                }
            }
            throw new AssertionError("expected nothing more to " + address + " but the endpoint sent " + extra);
        }
    }

    /** Scheduler time ({@link ManualScheduler#nanoTime()}) of every datagram sent to this peer, oldest first, read or not. */
    public List<Long> sentAt() {
        List<Long> out = new ArrayList<>();
        for (InMemoryTransport.Datagram d : transport.sentTo(address)) {
            out.add(d.sentAtNanos());
        }
        return out;
    }

    /** How many datagrams the endpoint has sent to this peer, read or not. */
    public int receivedCount() {
        scheduler.runPending();
        return transport.sentTo(address).size();
    }
}
