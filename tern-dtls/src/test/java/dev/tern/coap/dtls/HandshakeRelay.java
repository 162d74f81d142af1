package dev.tern.coap.dtls;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP relay on loopback between one DTLS client and a server that mistreats handshake
 * datagrams (content types 20 and 22) in both directions: it can lose the first transmission of
 * every handshake message (so each flight must be retransmitted), duplicate them, swap neighbours,
 * and lose the first ChangeCipherSpec. Application records pass untouched.
 */
final class HandshakeRelay implements AutoCloseable {
    /** What to do with handshake datagrams. */
    record Faults(boolean loseFirst, boolean duplicate, boolean swap, boolean loseFirstChangeCipherSpec) {
    }

    private final DatagramSocket clientSide;
    private final DatagramSocket serverSide;
    private final InetSocketAddress server;
    private final Faults faults;
    private volatile InetSocketAddress client;
    private final Set<String> seen = java.util.Collections.synchronizedSet(new HashSet<>());
    final AtomicInteger lost = new AtomicInteger();
    final AtomicInteger duplicated = new AtomicInteger();
    final AtomicInteger swapped = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    HandshakeRelay(InetSocketAddress server, Faults faults) throws SocketException {
        this.server = server;
        this.faults = faults;
        this.clientSide = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        this.serverSide = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        threads.add(pump(clientSide, true));
        threads.add(pump(serverSide, false));
        threads.forEach(Thread::start);
    }

    int port() {
        return clientSide.getLocalPort();
    }

    private Thread pump(DatagramSocket from, boolean toServer) {
        Thread t = new Thread(() -> {
            byte[] held = null;
            byte[] buf = new byte[65536];
            while (running) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    from.setSoTimeout(held == null ? 0 : 60);
                    try {
                        from.receive(p);
                    } catch (java.net.SocketTimeoutException e) {
                        forward(held, toServer); // nothing followed it: release
                        held = null;
                        continue;
                    }
                    if (toServer) {
                        client = (InetSocketAddress) p.getSocketAddress();
                    }
                    byte[] d = Arrays.copyOf(buf, p.getLength());
                    int type = d[0];
                    if (type != RawDtls.HANDSHAKE && type != RawDtls.CHANGE_CIPHER_SPEC) {
                        forward(d, toServer);
                        continue;
                    }
                    String key = (toServer ? ">" : "<") + key(d);
                    boolean first = seen.add(key);
                    if (first && faults.loseFirst()
                            || first && faults.loseFirstChangeCipherSpec() && type == RawDtls.CHANGE_CIPHER_SPEC) {
                        lost.incrementAndGet();
                        continue;
                    }
                    int copies = faults.duplicate() ? 2 : 1;
                    if (faults.duplicate()) {
                        duplicated.incrementAndGet();
                    }
                    for (int i = 0; i < copies; i++) {
                        if (faults.swap() && held == null) {
                            held = d;
                        } else if (faults.swap()) {
                            forward(d, toServer);
                            forward(held, toServer); // the earlier one after the later one
                            swapped.incrementAndGet();
                            held = null;
                        } else {
                            forward(d, toServer);
                        }
                    }
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "handshake-relay-" + (toServer ? "up" : "down"));
        t.setDaemon(true);
        return t;
    }

    /** Identifies a handshake message across retransmissions (which renumber the records). */
    private static String key(byte[] d) {
        int epoch = (d[3] & 0xFF) << 8 | (d[4] & 0xFF);
        if (d[0] == RawDtls.HANDSHAKE && epoch == 0 && d.length >= 25) {
            return "hs" + (d[13] & 0xFF) + "/" + ((d[17] & 0xFF) << 8 | (d[18] & 0xFF)) + "/" + d.length;
        }
        return "t" + d[0] + "/e" + epoch + "/" + d.length;
    }

    private void forward(byte[] d, boolean toServer) throws IOException {
        if (d == null) {
            return;
        }
        if (toServer) {
            serverSide.send(new DatagramPacket(d, d.length, server));
        } else if (client != null) {
            clientSide.send(new DatagramPacket(d, d.length, client));
        }
    }

    @Override
    public void close() {
        running = false;
        clientSide.close();
        serverSide.close();
    }
}
