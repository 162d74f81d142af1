package dev.tern.coap.cluster.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import javax.crypto.Mac;

/**
 * The frame nodes of a cluster exchange on their internal UDP port: a DTLS record a node received
 * for a Connection ID another node owns (RFC 9146 §4), with the address it came from, and the
 * owner's reply to that address. Pure: no I/O, no logging; {@link #parse} never throws.
 *
 * <pre>
 * 0      magic 0xCF
 * 1      version 1
 * 2      kind: 1 record from a client, 2 reply to a client
 * 3..4   sender node id (u16)
 * 5..12  sent at, milliseconds since the epoch (u64)
 * 13     address length: 4 or 16
 * 14..   address, then port (u16)
 * ..     the datagram
 * last 32 bytes  HMAC-SHA256 (cluster forwarding key) over everything before
 * </pre>
 */
public final class ForwardFrame {
    /** First byte of every frame. */
    public static final int MAGIC = 0xCF;
    /** The version this code writes and reads. */
    public static final int VERSION = 1;
    /** A DTLS record from a client, for the node that owns its Connection ID. */
    public static final int RECORD = 1;
    /** The owner's datagram to a client, for the node the client's record came through. */
    public static final int REPLY = 2;
    /** HMAC-SHA256 length. */
    public static final int MAC = 32;
    static final int FIXED = 14;

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
        byte[] ip = client.getAddress().getAddress();
        int p = 0;
        out[p++] = (byte) MAGIC;
        out[p++] = VERSION;
        out[p++] = (byte) kind;
        out[p++] = (byte) (node >> 8);
        out[p++] = (byte) node;
        for (int i = 7; i >= 0; i--) {
            out[p++] = (byte) (sentAt >>> (8 * i));
        }
        out[p++] = (byte) ip.length;
        System.arraycopy(ip, 0, out, p, ip.length);
        p += ip.length;
        out[p++] = (byte) (client.getPort() >> 8);
        out[p++] = (byte) client.getPort();
        System.arraycopy(data, 0, out, p, length);
        p += length;
        mac.update(out, 0, p);
        try {
            mac.doFinal(out, p);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalArgumentException("output too short", e);
        }
        return p + MAC;
    }

    /** The frame in {@code data[0, length)}, or null if it is not one (the MAC is not checked). */
    public static Frame parse(byte[] data, int length) {
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
        byte[] ip = new byte[ipLength];
        System.arraycopy(data, FIXED, ip, 0, ipLength);
        int port = (data[FIXED + ipLength] & 0xFF) << 8 | (data[FIXED + ipLength + 1] & 0xFF);
        InetAddress address;
        try {
            address = InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            return null; // not reached: the length is 4 or 16
        }
        if (ipLength == 16 && address instanceof java.net.Inet4Address) {
            return null; // an IPv4-mapped IPv6 address: encode writes it as IPv4, so only that form is read (found by fuzzing)
        }
        return new Frame(kind, node, sentAt, new InetSocketAddress(address, port), payload, length - MAC - payload);
    }

    /**
     * Whether the HMAC at the end of {@code data[0, length)} is right, compared in constant time;
     * {@code mac} is initialised with the forwarding key and is reset after use.
     */
    public static boolean authentic(byte[] data, int length, Mac mac) {
        if (length < MAC || length > data.length) {
            return false;
        }
        mac.update(data, 0, length - MAC);
        byte[] expected = mac.doFinal();
        byte[] actual = java.util.Arrays.copyOfRange(data, length - MAC, length);
        return MessageDigest.isEqual(expected, actual);
    }
}
