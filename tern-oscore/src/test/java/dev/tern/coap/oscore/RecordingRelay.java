package dev.tern.coap.oscore;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A UDP relay on loopback for one client, recording every datagram in both directions (what an on-path observer sees). */
final class RecordingRelay implements AutoCloseable {
    final List<byte[]> datagrams = new CopyOnWriteArrayList<>();
    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final Thread thread;
    private volatile SocketAddress client;

    RecordingRelay(int serverPort) throws IOException {
        this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
        this.thread = new Thread(this::run, "recording-relay");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void run() {
        byte[] buf = new byte[65535];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                byte[] copy = java.util.Arrays.copyOf(p.getData(), p.getLength());
                datagrams.add(copy);
                SocketAddress to;
                if (p.getSocketAddress().equals(server)) {
                    to = client;
                } else {
                    client = p.getSocketAddress();
                    to = server;
                }
                if (to != null) {
                    socket.send(new DatagramPacket(copy, copy.length, to));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
