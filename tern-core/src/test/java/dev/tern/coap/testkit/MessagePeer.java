package dev.tern.coap.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import dev.tern.coap.Bytes;
import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A fake remote endpoint at its own address, scripted by the test: it sends datagrams to the
 * endpoint under test and reads, in order, the datagrams that endpoint sent to it. It speaks the
 * engine's internal {@link Message}, for tern-core's own tests of the engine.
 */
public final class MessagePeer {
    private final InetSocketAddress address;
    private final InMemoryTransport transport;
    private final ManualScheduler scheduler;
    private int read;

    /** A peer at {@code address} talking to the endpoint behind {@code transport}. */
    public MessagePeer(InetSocketAddress address, InMemoryTransport transport, ManualScheduler scheduler) {
        this.address = address;
        this.transport = transport;
        this.scheduler = scheduler;
    }

    /** This peer's address. */
    public InetSocketAddress address() {
        return address;
    }

    /** Sends {@code m} to the endpoint, then runs the scheduler's pending tasks. */
    public void send(Message m) {
        sendBytes(MessageEncoder.encode(m));
    }

    /** Sends a datagram written in hexadecimal (whitespace ignored), then runs pending tasks. */
    public void sendHex(String hex) {
        sendBytes(Bytes.fromHex(hex.replaceAll("\\s+", "")).toArray());
    }

    /** Sends raw bytes, then runs pending tasks. */
    public void sendBytes(byte[] datagram) {
        transport.deliver(datagram, address);
        scheduler.runPending();
    }

    /** The next datagram the endpoint sent to this peer, raw; fails the test when there is none. */
    public byte[] expectBytes() {
        scheduler.runPending();
        List<InMemoryTransport.Datagram> all = transport.sentTo(address);
        if (read >= all.size()) {
            fail("expected a datagram to " + address + " but the endpoint sent nothing more (t="
                    + scheduler.nanoTime() / 1_000_000 + " ms)");
        }
        return all.get(read++).data();
    }

    /** The next message the endpoint sent to this peer, decoded; fails the test when there is none. */
    public Message expect() {
        return decode(expectBytes());
    }

    /** Decodes a datagram the endpoint sent; fails the test when it is not a valid message. */
    public static Message decode(byte[] data) {
        DecodeResult r = MessageDecoder.decode(data);
        if (r instanceof Message m) {
            return m;
        }
        return fail("endpoint sent an undecodable datagram " + Bytes.wrap(data).hex() + ": " + r);
    }

    /** Fails the test if the endpoint sent this peer anything not yet read. */
    public void expectNothing() {
        scheduler.runPending();
        List<InMemoryTransport.Datagram> all = transport.sentTo(address);
        if (read < all.size()) {
            List<String> extra = new ArrayList<>();
            for (int i = read; i < all.size(); i++) {
                DecodeResult r = MessageDecoder.decode(all.get(i).data());
                extra.add(String.valueOf(r));
            }
            fail("expected nothing more to " + address + " but the endpoint sent " + extra);
        }
    }

    /** Scheduler time (nanoTime) of every datagram sent to this peer, oldest first, read or not. */
    public List<Long> sentAt() {
        List<Long> out = new ArrayList<>();
        for (InMemoryTransport.Datagram d : transport.sentTo(address)) {
            out.add(d.sentAtNanos());
        }
        return out;
    }

    /** How many datagrams the endpoint has sent to this peer. */
    public int receivedCount() {
        scheduler.runPending();
        return transport.sentTo(address).size();
    }
}
