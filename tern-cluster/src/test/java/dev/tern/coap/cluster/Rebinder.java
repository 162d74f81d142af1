package dev.tern.coap.cluster;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * A NAT in front of one client: the client talks to {@link #address()}, the relay talks to
 * {@code target} from an outside socket that {@link #rebind} replaces (the NAT binding changed:
 * RFC 9146 §1's case), closing the old one.
 */
final class Rebinder implements AutoCloseable {
    private final DatagramSocket front;
    private volatile InetSocketAddress target;
    private final InetAddress outside;
    private volatile DatagramSocket back;
    private volatile InetSocketAddress client;
    private volatile boolean closed;

    Rebinder(InetSocketAddress target, InetAddress outside) throws SocketException {
        this.front = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        this.target = target;
        this.outside = outside;
        Thread t = new Thread(this::fromClient, "rebinder-front");
        t.setDaemon(true);
        t.start();
        rebind();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    /** The outside port now. */
    int outsidePort() {
        return back.getLocalPort();
    }

    /** From now on, datagrams go to {@code next} (the balancer moved the flow). */
    void retarget(InetSocketAddress next) {
        target = next;
    }

    void rebind() throws SocketException {
        DatagramSocket old = back;
        DatagramSocket next = new DatagramSocket(0, outside);
        back = next;
        Thread t = new Thread(() -> toClient(next), "rebinder-back");
        t.setDaemon(true);
        t.start();
        if (old != null) {
            old.close();
        }
    }

    private void fromClient() {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                p.setLength(buf.length);
                front.receive(p);
                client = (InetSocketAddress) p.getSocketAddress();
                back.send(new DatagramPacket(buf, p.getLength(), target));
            } catch (IOException e) {
                // closed, or the outside socket was replaced meanwhile: the datagram is lost, like on a NAT
            }
        }
    }

    private void toClient(DatagramSocket socket) {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!socket.isClosed()) {
            try {
                p.setLength(buf.length);
                socket.receive(p);
                if (client != null) {
                    front.send(new DatagramPacket(buf, p.getLength(), client));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        front.close();
        back.close();
    }
}
