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
 *
 * <p>Losses are decided per record, not per datagram: a peer may pack a flight's records into
 * datagrams differently when it retransmits (RFC 6347 §4.1.1; Tern's server sends its last flight
 * as one datagram, and its retransmission record by record), and a record already seen once is a
 * retransmission however it is packed.
 */
final class HandshakeRelay implements AutoCloseable {
    /** What to do with handshake datagrams. */
    record Faults(boolean loseFirst, boolean duplicate, boolean swap, boolean loseFirstChangeCipherSpec) {
    }

    private final DatagramSocket clientSide;
    private final DatagramSocket serverSide;
    private final InetSocketAddress server;
    private static final int RECORD_HEADER = 13;
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
                    d = withoutLostRecords(d, toServer ? ">" : "<");
                    if (d.length == 0) {
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

    /**
     * The datagram without the records the faults lose: the first copy of each handshake or
     * ChangeCipherSpec record seen in this direction ({@code direction}), or of each ChangeCipherSpec
     * only. Records after a malformed header are kept as they are.
     */
    private byte[] withoutLostRecords(byte[] d, String direction) {
        java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream(d.length);
        int at = 0;
        while (at + RECORD_HEADER <= d.length) {
            int end = at + RECORD_HEADER + ((d[at + 11] & 0xFF) << 8 | (d[at + 12] & 0xFF));
            if (end > d.length) {
                break;
            }
            int type = d[at];
            boolean handshake = type == RawDtls.HANDSHAKE || type == RawDtls.CHANGE_CIPHER_SPEC;
            boolean first = handshake && seen.add(direction + key(d, at, end));
            if (first && (faults.loseFirst() || faults.loseFirstChangeCipherSpec()
                    && type == RawDtls.CHANGE_CIPHER_SPEC)) {
                lost.incrementAndGet();
            } else {
                kept.write(d, at, end - at);
            }
            at = end;
        }
        kept.write(d, at, d.length - at);
        return kept.toByteArray();
    }

    /**
     * Identifies a handshake record across retransmissions, which renumber the records: an
     * unencrypted handshake fragment by message type, message sequence and fragment, any other
     * record by content type, epoch and length.
     */
    private static String key(byte[] d, int at, int end) {
        int epoch = (d[at + 3] & 0xFF) << 8 | (d[at + 4] & 0xFF);
        if (d[at] == RawDtls.HANDSHAKE && epoch == 0 && end - at >= RECORD_HEADER + 12) {
            int h = at + RECORD_HEADER;
            return "hs" + (d[h] & 0xFF) + "/" + u16(d, h + 4) + "/" + u24(d, h + 6) + "+" + u24(d, h + 9);
        }
        return "t" + d[at] + "/e" + epoch + "/" + (end - at);
    }

    private static int u16(byte[] d, int at) {
        return (d[at] & 0xFF) << 8 | (d[at + 1] & 0xFF);
    }

    private static int u24(byte[] d, int at) {
        return (d[at] & 0xFF) << 16 | u16(d, at + 1);
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
