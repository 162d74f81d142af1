package dev.tern.coap.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;

/**
 * A loopback UDP relay between one client and a server that plays a NAT: the client sends to
 * {@link #address()}, the server sees the datagrams come from {@link #upstreamAddress()}, and
 * {@link #rebind()} moves that to a new port, as a NAT rebinding does. With a DTLS Connection ID
 * (RFC 9146) the session survives the move; without one the server cannot tell the new address
 * belongs to it.
 */
final class RebindingRelay implements AutoCloseable {
    private final InetSocketAddress server;
    private final DatagramSocket downstream;
    private volatile DatagramSocket upstream;
    private volatile InetSocketAddress client;
    private volatile boolean closed;

    RebindingRelay(InetSocketAddress server) {
        this.server = server;
        try {
            downstream = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            upstream = openUpstream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread("relay-down", () -> {
            byte[] buf = new byte[65535];
            while (!closed) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    downstream.receive(p);
                    client = (InetSocketAddress) p.getSocketAddress();
                    upstream.send(new DatagramPacket(p.getData(), p.getLength(), server));
                } catch (IOException e) {
                    // closed, or an upstream socket replaced under us: the datagram is lost like on a real NAT
                }
            }
        });
    }

    private DatagramSocket openUpstream() throws SocketException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread("relay-up-" + s.getLocalPort(), () -> {
            byte[] buf = new byte[65535];
            while (!s.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                    InetSocketAddress to = client;
                    if (to != null && p.getSocketAddress().equals(server)) {
                        downstream.send(new DatagramPacket(p.getData(), p.getLength(), to));
                    }
                } catch (IOException e) {
                    // closed
                }
            }
        });
        return s;
    }

    private static void thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    /** Where the client sends. */
    InetSocketAddress address() {
        return (InetSocketAddress) downstream.getLocalSocketAddress();
    }

    /** The address the server sees datagrams from. */
    InetSocketAddress upstreamAddress() {
        return (InetSocketAddress) upstream.getLocalSocketAddress();
    }

    /** From now on the client's datagrams reach the server from a new port; the old one is closed. */
    void rebind() {
        DatagramSocket old = upstream;
        try {
            upstream = openUpstream();
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        old.close();
    }

    @Override
    public void close() {
        closed = true;
        downstream.close();
        upstream.close();
    }
}
