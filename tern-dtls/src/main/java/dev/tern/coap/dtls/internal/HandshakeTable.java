package dev.tern.coap.dtls.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The handshakes in progress of one transport, by address, in the order they started, with a count
 * per source host (IP address without port): a host that opens many handshakes from many ports
 * competes with itself, not with other hosts (SECURITY.md, FAULTS.md A1.2). Staleness is measured
 * from a handshake's start; retransmitted ClientHellos do not refresh it. Used on the scheduler
 * thread only.
 */
final class HandshakeTable {
    /** Oldest first: insertion order is start order. */
    private final LinkedHashMap<InetSocketAddress, Session> byAddress = new LinkedHashMap<>();
    private final HashMap<InetAddress, int[]> perHost = new HashMap<>();

    /** The handshake in progress with {@code peer}, or null. */
    Session get(InetSocketAddress peer) {
        return byAddress.get(peer);
    }

    int size() {
        return byAddress.size();
    }

    /** Handshakes in progress from {@code host}, any port. */
    int count(InetAddress host) {
        int[] n = perHost.get(host);
        return n == null ? 0 : n[0];
    }

    /** Adds {@code s}, which starts now; its address must have no handshake yet. */
    void add(Session s) {
        byAddress.put(s.address, s);
        perHost.computeIfAbsent(s.address.getAddress(), h -> new int[1])[0]++;
    }

    /** Removes {@code s} if it is the handshake of its address; whether it was. */
    boolean remove(Session s) {
        if (!byAddress.remove(s.address, s)) {
            return false;
        }
        InetAddress host = s.address.getAddress();
        int[] n = perHost.get(host);
        if (n != null && --n[0] == 0) {
            perHost.remove(host);
        }
        return true;
    }

    /** The handshake that started first, or null. */
    Session oldest() {
        return byAddress.isEmpty() ? null : byAddress.values().iterator().next();
    }

    /** The handshake from {@code host} that started first, or null. */
    Session oldestOf(InetAddress host) {
        for (Session s : byAddress.values()) {
            if (s.address.getAddress().equals(host)) {
                return s;
            }
        }
        return null;
    }

    /** A snapshot of the handshakes, oldest first. */
    List<Session> all() {
        return new ArrayList<>(byAddress.values());
    }

    /**
     * The client random of an epoch-0 ClientHello datagram whose first fragment starts at offset 0
     * (RFC 6347 §4.2.2, RFC 5246 §7.4.1.2), or null: a retransmission of the same
     * ClientHello has the same one.
     */
    static byte[] clientRandom(byte[] data, int length) {
        int at = clientRandomAt(data, length);
        return at < 0 ? null : java.util.Arrays.copyOfRange(data, at, at + 32);
    }

    /** Where the client random of a ClientHello's first fragment begins in {@code data}, or -1 for none. */
    static int clientRandomAt(byte[] data, int length) {
        int at = RecordFilter.HEADER + RecordFilter.HANDSHAKE_HEADER + 2;
        if (length < at + 32 || data[0] != RecordFilter.HANDSHAKE || data[RecordFilter.HEADER] != 1
                || (data[RecordFilter.HEADER + 6] | data[RecordFilter.HEADER + 7] | data[RecordFilter.HEADER + 8]) != 0) {
            return -1;
        }
        return at;
    }

    /** Whether the client random at {@code at} in {@code data} ({@link #clientRandomAt}) is {@code random}. */
    static boolean sameRandom(byte[] data, int at, byte[] random) {
        return at >= 0 && random != null && java.util.Arrays.equals(data, at, at + 32, random, 0, 32);
    }
}
