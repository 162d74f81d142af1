package dev.tern.coap.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Sending from a test's raw peer socket to a server on loopback. The socket is connected to the
 * server first, so the kernel delivers only the server's datagrams to it: on a shared machine
 * another process may still send to the ephemeral port the test now holds (a DTLS client's late
 * alert, say), which a test expecting silence would otherwise see.
 */
public final class RawUdp {
    private RawUdp() {
    }

    /** Sends {@code datagram} from {@code socket} to {@code port} on the loopback address. */
    public static void send(DatagramSocket socket, byte[] datagram, int port) {
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try {
            if (!to.equals(socket.getRemoteSocketAddress())) {
                socket.disconnect();
                socket.connect(to);
            }
            socket.send(new DatagramPacket(datagram, datagram.length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
