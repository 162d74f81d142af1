package dev.tern.coap.cluster.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/**
 * The frame nodes of a cluster exchange on their internal UDP port: a DTLS record a node received
 * for a Connection ID another node owns (RFC 9146 §4), with the address it came from, and the
 * owner's reply to that address. Pure: no I/O, no logging; {@link #parse} never throws.
 *
 * <pre>
 * 0      magic 0xCF
 * 1      version 2
 * 2      kind: 1 record from a client, 2 reply to a client
 * 3..4   sender node id (u16)
 * 5..12  sent at, milliseconds since the epoch (u64)
 * 13     address length: 4 or 16
 * 14..   address, then port (u16)
 * ..     the datagram
 * last 16 bytes  HMAC-SHA256 (cluster forwarding key) over everything before, truncated to its
 *                first 16 bytes (RFC 2104 §5)
 * </pre>
 *
 * <p>The static methods allocate a little per call; a {@link Codec}, one per thread, does the
 * same with none on the request path.
 */
public final class ForwardFrame {
    /** First byte of every frame. */
    public static final int MAGIC = 0xCF;
    /** The version this code writes and reads (2: the 16-byte tag; 1 had the full 32-byte HMAC). */
    public static final int VERSION = 2;
    /** A DTLS record from a client, for the node that owns its Connection ID. */
    public static final int RECORD = 1;
    /** The owner's datagram to a client, for the node the client's record came through. */
    public static final int REPLY = 2;
    /** Length of the tag: HMAC-SHA256 truncated to 128 bits. */
    public static final int MAC = 16;
    static final int FIXED = 14;
    private static final int HMAC_SHA256 = 32;

    private ForwardFrame() {
    }

    /** A parsed frame; the datagram is {@code data[payloadOffset, payloadOffset + payloadLength)}. */
    public record Frame(int kind, int node, long sentAt, InetSocketAddress client, int payloadOffset,
                        int payloadLength) {
    }

    /** The largest frame for a datagram of {@code length} bytes. */
    public static int maxSize(int length) {
        return FIXED + 16 + 2 + length + MAC;
    }

    /**
     * Writes a frame into {@code out} (at least {@link #maxSize} long) and returns its length;
     * {@code mac} is initialised with the forwarding key and is reset after use.
     */
    public static int encode(int kind, int node, long sentAt, InetSocketAddress client, byte[] data, int length,
                             Mac mac, byte[] out) {
        return new Codec(mac).encode(kind, node, sentAt, client, data, length, out);
    }

    /** The frame in {@code data[0, length)}, or null if it is not one (the MAC is not checked). */
    public static Frame parse(byte[] data, int length) {
        return new Codec(null).parse(data, length);
    }

    /**
     * Whether the tag at the end of {@code data[0, length)} is right, compared in constant time;
     * {@code mac} is initialised with the forwarding key and is reset after use.
     */
    public static boolean authentic(byte[] data, int length, Mac mac) {
        return new Codec(mac).authentic(data, length);
    }

    /**
     * Encodes, parses and authenticates frames without allocating on the request path: the MAC,
     * the tag buffers and the last client address (with its bytes) are kept. Not thread-safe: one
     * per thread, or used under a lock.
     */
    public static final class Codec {
        private final Mac mac;
        private final byte[] full = new byte[HMAC_SHA256];
        private final byte[] expected = new byte[MAC];
        private final byte[] actual = new byte[MAC];
        /** The last client address seen, and its address and port as a frame carries them. */
        private InetSocketAddress last;
        private final byte[] lastBytes = new byte[18];
        private int lastLength;

        /** A codec tagging with {@code mac} (initialised with the forwarding key); null to parse only. */
        public Codec(Mac mac) {
            this.mac = mac;
        }

        /** Like {@link ForwardFrame#encode}. */
        public int encode(int kind, int node, long sentAt, InetSocketAddress client, byte[] data, int length,
                          byte[] out) {
            if (!client.equals(last)) {
                byte[] ip = client.getAddress().getAddress();
                remember(client, ip, 0, ip.length, client.getPort());
            }
            int p = 0;
            out[p++] = (byte) MAGIC;
            out[p++] = VERSION;
            out[p++] = (byte) kind;
            out[p++] = (byte) (node >> 8);
            out[p++] = (byte) node;
            for (int i = 7; i >= 0; i--) {
                out[p++] = (byte) (sentAt >>> (8 * i));
            }
            out[p++] = (byte) (lastLength - 2);
            System.arraycopy(lastBytes, 0, out, p, lastLength);
            p += lastLength;
            System.arraycopy(data, 0, out, p, length);
            p += length;
            tag(out, p);
            System.arraycopy(full, 0, out, p, MAC);
            return p + MAC;
        }

        /** Like {@link ForwardFrame#parse}; the client address is the last one's while frames name it. */
        public Frame parse(byte[] data, int length) {
            if (length < FIXED + MAC || length > data.length || (data[0] & 0xFF) != MAGIC || data[1] != VERSION) {
                return null;
            }
            int kind = data[2];
            if (kind != RECORD && kind != REPLY) {
                return null;
            }
            int node = (data[3] & 0xFF) << 8 | (data[4] & 0xFF);
            long sentAt = 0;
            for (int i = 5; i < 13; i++) {
                sentAt = sentAt << 8 | (data[i] & 0xFF);
            }
            int ipLength = data[13];
            if (ipLength != 4 && ipLength != 16) {
                return null;
            }
            int payload = FIXED + ipLength + 2;
            if (length - MAC < payload) {
                return null;
            }
            InetSocketAddress client = last;
            if (client == null || !Arrays.equals(data, FIXED, payload, lastBytes, 0, lastLength)) {
                InetAddress address;
                try {
                    address = InetAddress.getByAddress(Arrays.copyOfRange(data, FIXED, FIXED + ipLength));
                } catch (UnknownHostException e) {
                    return null; // not reached: the length is 4 or 16
                }
                if (ipLength == 16 && address instanceof Inet4Address) {
                    return null; // an IPv4-mapped IPv6 address: encode writes it as IPv4, so only that form is read (found by fuzzing)
                }
                int port = (data[FIXED + ipLength] & 0xFF) << 8 | (data[FIXED + ipLength + 1] & 0xFF);
                client = new InetSocketAddress(address, port);
                remember(client, data, FIXED, ipLength, port);
            }
            return new Frame(kind, node, sentAt, client, payload, length - MAC - payload);
        }

        /** Like {@link ForwardFrame#authentic}. */
        public boolean authentic(byte[] data, int length) {
            if (length < MAC || length > data.length) {
                return false;
            }
            tag(data, length - MAC);
            System.arraycopy(full, 0, expected, 0, MAC);
            System.arraycopy(data, length - MAC, actual, 0, MAC);
            return MessageDigest.isEqual(expected, actual);
        }

        /** HMAC-SHA256 of {@code data[0, length)} into {@link #full}. */
        private void tag(byte[] data, int length) {
            mac.update(data, 0, length);
            try {
                mac.doFinal(full, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException("not reached: the buffer holds an HMAC-SHA256", e);
            }
        }

        private void remember(InetSocketAddress client, byte[] ip, int offset, int ipLength, int port) {
            System.arraycopy(ip, offset, lastBytes, 0, ipLength);
            lastBytes[ipLength] = (byte) (port >> 8);
            lastBytes[ipLength + 1] = (byte) port;
            lastLength = ipLength + 2;
            last = client;
        }
    }
}
