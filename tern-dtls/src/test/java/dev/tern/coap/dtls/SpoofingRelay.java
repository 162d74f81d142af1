package dev.tern.coap.dtls;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A UDP relay on loopback in front of a server that lets a test forge source addresses: each
 * client gets its own upstream socket, so the server sees one address per client, and
 * {@link #sendAs} sends any datagram to the server from another client's upstream socket, i.e.
 * with that client's address as the (forged) source. What the server sends to an upstream socket
 * goes back to the client that owns it.
 */
final class SpoofingRelay implements AutoCloseable {
    private final DatagramSocket front;
    private final InetSocketAddress server;
    private final Map<InetSocketAddress, DatagramSocket> upstream = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    SpoofingRelay(InetSocketAddress server) throws SocketException {
        this.server = server;
        this.front = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        start(front, "relay-front", this::fromClient);
    }

    /** Where clients send to. */
    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", front.getLocalPort());
    }

    /** The address the server sees for the client on local port {@code clientPort}. */
    InetSocketAddress seenAs(int clientPort) {
        return (InetSocketAddress) upstream(new InetSocketAddress("127.0.0.1", clientPort)).getLocalSocketAddress();
    }

    /** Sends {@code datagram} to the server with the address of the client on {@code clientPort} as source. */
    void sendAs(int clientPort, byte[] datagram) throws IOException {
        upstream(new InetSocketAddress("127.0.0.1", clientPort)).send(new DatagramPacket(datagram, datagram.length,
                server));
    }

    private void fromClient(DatagramPacket p) throws IOException {
        InetSocketAddress client = (InetSocketAddress) p.getSocketAddress();
        upstream(client).send(new DatagramPacket(Arrays.copyOf(p.getData(), p.getLength()), p.getLength(), server));
    }

    private DatagramSocket upstream(InetSocketAddress client) {
        return upstream.computeIfAbsent(client, c -> {
            try {
                DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                start(s, "relay-up-" + c.getPort(), p -> front.send(new DatagramPacket(
                        Arrays.copyOf(p.getData(), p.getLength()), p.getLength(), c)));
                return s;
            } catch (SocketException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private interface Forward {
        void accept(DatagramPacket p) throws IOException;
    }

    private void start(DatagramSocket socket, String name, Forward forward) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            while (running) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    forward.accept(p);
                } catch (IOException e) {
                    if (socket.isClosed()) {
                        return;
                    }
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        running = false;
        front.close();
        upstream.values().forEach(DatagramSocket::close);
    }
}
