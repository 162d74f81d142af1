package dev.tern.coap.internal.reliable;

import dev.tern.coap.CoapException;
import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.ReliableFraming;
import dev.tern.coap.spi.ConnectionTransport;
import dev.tern.coap.spi.ReliableSettings;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection transport whose peers the test plays byte by byte: it opens connections as if
 * accepted, writes raw bytes into them, and reads what the engine wrote back (RFC 8323 frames).
 */
final class RawConnections implements ConnectionTransport {
    final ReliableSettings settings;
    final List<InetSocketAddress> connectRequests = new ArrayList<>();
    Receiver receiver;
    boolean closed;

    RawConnections(ReliableSettings settings) {
        this.settings = settings;
    }

    @Override
    public String scheme() {
        return "coap+tcp";
    }

    @Override
    public ReliableSettings settings() {
        return settings;
    }

    @Override
    public void start(Receiver r) {
        this.receiver = r;
    }

    @Override
    public void connect(InetSocketAddress destination) {
        connectRequests.add(destination);
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress("127.0.0.1", 5683);
    }

    @Override
    public void close() {
        closed = true;
    }

    /** A peer connects (the engine accepted it). */
    Raw accept(InetSocketAddress remote) {
        Raw c = new Raw(remote, false);
        receiver.onOpened(c);
        return c;
    }

    /** The connection the engine asked for opens. */
    Raw open(InetSocketAddress destination) {
        Raw c = new Raw(destination, true);
        receiver.onOpened(c);
        return c;
    }

    /** One connection, played by the test. */
    final class Raw implements Connection {
        final InetSocketAddress remote;
        final boolean initiated;
        final List<byte[]> sent = new ArrayList<>();
        boolean closedByEngine;

        Raw(InetSocketAddress remote, boolean initiated) {
            this.remote = remote;
            this.initiated = initiated;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return remote;
        }

        @Override
        public boolean initiated() {
            return initiated;
        }

        @Override
        public boolean messageFramed() {
            return false;
        }

        @Override
        public void send(byte[] frame) {
            sent.add(frame);
        }

        @Override
        public void close() {
            closedByEngine = true;
        }

        /** The peer writes {@code bytes}. */
        void write(byte[] bytes) {
            receiver.onData(this, bytes, 0, bytes.length);
        }

        /** The peer writes {@code m} framed. */
        void write(Message m) {
            write(ReliableFraming.encode(m, false));
        }

        /** The peer resets the connection. */
        void reset() {
            receiver.onClosed(this, "reset by peer");
        }

        /** Every message the engine wrote, decoded. */
        List<Message> messages() {
            List<Message> out = new ArrayList<>();
            for (byte[] f : sent) {
                DecodeResult r = ReliableFraming.decode(f, 0, f.length, false);
                out.add((Message) r);
            }
            return out;
        }

        Message last() {
            List<Message> all = messages();
            return all.get(all.size() - 1);
        }
    }

    /** Unused: connect failures are driven by the tests through the receiver. */
    void failConnect(InetSocketAddress destination, CoapException cause) {
        receiver.onConnectFailed(destination, cause);
    }
}
