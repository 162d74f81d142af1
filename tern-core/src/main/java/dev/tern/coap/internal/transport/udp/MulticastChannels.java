package dev.tern.coap.internal.transport.udp;

import dev.tern.coap.spi.Transport;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of multicast (RFC 7252 §8.1) for a {@link UdpEventLoop}: one channel per IPv4
 * group (joined on every chosen interface) and one per IPv6 group and interface (link-local groups
 * need the interface as scope), each bound to the group address and the endpoint's port. Bound to
 * the group, such a channel receives only datagrams sent to that group, so everything it reads is
 * delivered with {@code multicast = true}. Responses leave through the unicast channel, so that
 * they come from the server's unicast address (§8.1).
 *
 * <p>On Linux a socket bound to the wildcard address also receives the datagrams of groups that
 * any socket of the host joined (IP_MULTICAST_ALL, which Java cannot turn off), so the unicast
 * channel gets a second copy of each group datagram. The event loop reads the group channels
 * before each unicast datagram, and {@link #isCopy} recognises the copies of group datagrams
 * delivered in the last second (by source and content), which are then dropped.
 */
final class MulticastChannels {
    private static final Logger LOG = LoggerFactory.getLogger(MulticastChannels.class);
    private static final int READ_BATCH = 64;
    private static final int RECENT = 64;
    private static final long RECENT_NANOS = 1_000_000_000L;
    static final MulticastChannels NONE = new MulticastChannels(List.of());

    private final List<DatagramChannel> channels;
    private final InetSocketAddress[] recentSources = new InetSocketAddress[RECENT];
    private final int[] recentHashes = new int[RECENT];
    private final int[] recentLengths = new int[RECENT];
    private final long[] recentTimes = new long[RECENT];
    private int next;

    private MulticastChannels(List<DatagramChannel> channels) {
        this.channels = channels;
    }

    /** Opens, binds and joins the channels for {@code memberships} on {@code port}, registered with {@code selector}. */
    static MulticastChannels open(List<MulticastMembership> memberships, int port, Selector selector,
                                  int receiveBufferSize) throws IOException {
        if (memberships.isEmpty()) {
            return NONE;
        }
        Map<String, List<MulticastMembership>> byChannel = new LinkedHashMap<>();
        for (MulticastMembership m : memberships) {
            String key = m.group() instanceof Inet4Address ? m.group().getHostAddress()
                    : m.group().getHostAddress() + "%" + m.networkInterface().getName();
            byChannel.computeIfAbsent(key, k -> new ArrayList<>()).add(m);
        }
        List<DatagramChannel> channels = new ArrayList<>();
        try {
            for (List<MulticastMembership> joins : byChannel.values()) {
                channels.add(openOne(joins, port, selector, receiveBufferSize));
            }
        } catch (IOException | RuntimeException e) {
            for (DatagramChannel c : channels) {
                c.close();
            }
            throw e;
        }
        return new MulticastChannels(List.copyOf(channels));
    }

    private static DatagramChannel openOne(List<MulticastMembership> joins, int port, Selector selector,
                                           int receiveBufferSize) throws IOException {
        InetAddress group = joins.get(0).group();
        boolean v4 = group instanceof Inet4Address;
        DatagramChannel ch = DatagramChannel.open(v4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (receiveBufferSize > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferSize);
            }
            InetAddress bindTo = v4 ? group
                    : Inet6Address.getByAddress(null, group.getAddress(), joins.get(0).networkInterface());
            ch.bind(new InetSocketAddress(bindTo, port));
            for (MulticastMembership m : joins) {
                ch.join(group, m.networkInterface());
            }
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw new IOException("cannot join " + group.getHostAddress() + " on " + names(joins) + ": "
                    + e.getMessage(), e);
        }
    }

    private static String names(List<MulticastMembership> joins) {
        List<String> n = new ArrayList<>();
        for (MulticastMembership m : joins) {
            NetworkInterface nif = m.networkInterface();
            n.add(nif.getName());
        }
        return String.join(",", n);
    }

    boolean isEmpty() {
        return channels.isEmpty();
    }

    /** Reads what the group channels hold and delivers it with {@code multicast = true}. */
    void drain(ByteBuffer buffer, Transport.Receiver receiver, long now) throws IOException {
        byte[] array = buffer.array();
        for (DatagramChannel ch : channels) {
            for (int i = 0; i < READ_BATCH; i++) {
                buffer.clear();
                InetSocketAddress source = (InetSocketAddress) ch.receive(buffer);
                if (source == null) {
                    break;
                }
                int length = buffer.position();
                remember(source, array, length, now);
                try {
                    receiver.onDatagram(array, length, source, true);
                } catch (RuntimeException e) {
                    LOG.error("unexpected failure handling a multicast datagram from {}", source, e);
                }
            }
        }
    }

    private void remember(InetSocketAddress source, byte[] data, int length, long now) {
        recentSources[next] = source;
        recentHashes[next] = hash(data, length);
        recentLengths[next] = length;
        recentTimes[next] = now;
        next = (next + 1) % RECENT;
    }

    /** Whether a datagram read from the unicast channel is the copy of a group datagram delivered lately. */
    boolean isCopy(byte[] data, int length, InetSocketAddress source, long now) {
        if (channels.isEmpty()) {
            return false;
        }
        int h = hash(data, length);
        for (int i = 0; i < RECENT; i++) {
            if (recentSources[i] != null && recentLengths[i] == length && recentHashes[i] == h
                    && now - recentTimes[i] < RECENT_NANOS && sameSource(recentSources[i], source)) {
                recentSources[i] = null; // one copy per group datagram
                return true;
            }
        }
        return false;
    }

    /** Equal ports and addresses, an IPv4-mapped IPv6 address equal to its IPv4 address. */
    private static boolean sameSource(InetSocketAddress a, InetSocketAddress b) {
        return a.getPort() == b.getPort() && Arrays.equals(v4(a.getAddress().getAddress()), v4(b.getAddress().getAddress()));
    }

    private static byte[] v4(byte[] address) {
        if (address.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (address[i] != 0) {
                    return address;
                }
            }
            if (address[10] == (byte) 0xFF && address[11] == (byte) 0xFF) {
                return Arrays.copyOfRange(address, 12, 16);
            }
        }
        return address;
    }

    private static int hash(byte[] data, int length) {
        int h = 1;
        for (int i = 0; i < length; i++) {
            h = 31 * h + data[i];
        }
        return h;
    }

    void close() {
        for (DatagramChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.debug("closing multicast channel", e);
            }
        }
    }
}
