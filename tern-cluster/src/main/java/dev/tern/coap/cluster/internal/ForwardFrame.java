package dev.tern.coap.cluster.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/**
 * The datagram nodes of a cluster exchange on their internal UDP port: a batch of frames, each a
 * DTLS record a node received for a Connection ID another node owns (RFC 9146 §4), with the
 * address it came from, or the owner's reply to that address; one tag covers the batch. Pure: no
 * I/O, no logging; parsing never throws.
 *
 * <pre>
 * 0      magic 0xCF
 * 1      version 3
 * 2..3   sender node id (u16)
 * 4..11  sent at, milliseconds since the epoch (u64)
 * 12     frame count, 1 to 255
 * 13..   the frames, each:
 *          kind: 1 record from a client, 2 reply to a client
 *          address length: 4 or 16
 *          address, then port (u16)
 *          datagram length (u16), then the datagram
 * last 16 bytes  HMAC-SHA256 (cluster forwarding key) over everything before, truncated to its
 *                first 16 bytes (RFC 2104 §5)
 * </pre>
 *
 * The frames must tile the bytes between the header and the tag exactly and number the count;
 * otherwise the whole batch is malformed.
 *
 * <p>The static methods allocate a little per call; a {@link Codec}, one per thread, does the
 * same with none on the request path.
 */
public final class ForwardFrame {
    /** First byte of every batch. */
    public static final int MAGIC = 0xCF;
    /** The version this code writes and reads (3: batches; 2: one frame, 16-byte tag; 1: 32-byte HMAC). */
    public static final int VERSION = 3;
    /** A DTLS record from a client, for the node that owns its Connection ID. */
    public static final int RECORD = 1;
    /** The owner's datagram to a client, for the node the client's record came through. */
    public static final int REPLY = 2;
    /** Length of the tag: HMAC-SHA256 truncated to 128 bits. */
    public static final int MAC = 16;
    /** The most frames a batch can carry (its count is one byte). */
    public static final int MAX_FRAMES = 255;
    /** Bytes before the first frame. */
    public static final int HEADER = 13;
    /** {@link Codec#parse}: not a batch of this version (magic, version, size, count 0). */
    public static final int NOT_A_BATCH = -1;
    /** {@link Codec#parse}: the frames do not tile the batch or do not number its count. */
    public static final int MALFORMED = -2;
    /** {@link Codec#parse}: more frames than the reader's bound. */
    public static final int TOO_MANY = -3;
    private static final int HMAC_SHA256 = 32;

    private ForwardFrame() {
    }

    /** A parsed frame; the datagram is {@code data[payloadOffset, payloadOffset + payloadLength)}. */
    public record Frame(int kind, int node, long sentAt, InetSocketAddress client, int payloadOffset,
                        int payloadLength) {
    }

    /** The most bytes one frame of a datagram of {@code length} bytes takes in a batch. */
    public static int frameSize(int length) {
        return 2 + 16 + 2 + 2 + length;
    }

    /** The largest batch of one frame for a datagram of {@code length} bytes. */
    public static int maxSize(int length) {
        return HEADER + frameSize(length) + MAC;
    }

    /**
     * Writes a batch of one frame into {@code out} (at least {@link #maxSize} long) and returns its
     * length; {@code mac} is initialised with the forwarding key and is reset after use.
     */
    public static int encode(int kind, int node, long sentAt, InetSocketAddress client, byte[] data, int length,
                             Mac mac, byte[] out) {
        return new Codec(mac, 1).encode(kind, node, sentAt, client, data, length, out);
    }

    /**
     * The frames of the batch in {@code data[0, length)}, or null if it is not a well-formed one
     * (the tag is not checked).
     */
    public static List<Frame> parse(byte[] data, int length) {
        Codec c = new Codec(null, MAX_FRAMES);
        int n = c.parse(data, length);
        if (n < 0) {
            return null;
        }
        List<Frame> frames = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            frames.add(new Frame(c.kind(i), c.node(), c.sentAt(), c.client(i), c.offset(i), c.length(i)));
        }
        return frames;
    }

    /**
     * Whether the tag at the end of {@code data[0, length)} is right, compared in constant time;
     * {@code mac} is initialised with the forwarding key and is reset after use.
     */
    public static boolean authentic(byte[] data, int length, Mac mac) {
        return new Codec(mac, 1).authentic(data, length);
    }

    /**
     * Encodes, parses and authenticates batches without allocating on the request path: the MAC,
     * the tag buffers, the frame tables and the last client address (with its bytes) are kept.
     * Not thread-safe: one per thread, or used under a lock.
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
        /** The last parsed batch: its header and its frames. */
        private int node;
        private long sentAt;
        private final int[] kinds;
        private final int[] offsets;
        private final int[] lengths;
        private final InetSocketAddress[] clients;

        /**
         * A codec tagging with {@code mac} (initialised with the forwarding key; null to parse
         * only) that reads batches of at most {@code maxFrames} frames.
         */
        public Codec(Mac mac, int maxFrames) {
            if (maxFrames < 1 || maxFrames > MAX_FRAMES) {
                throw new IllegalArgumentException("maxFrames must be 1 to " + MAX_FRAMES + ": " + maxFrames);
            }
            this.mac = mac;
            this.kinds = new int[maxFrames];
            this.offsets = new int[maxFrames];
            this.lengths = new int[maxFrames];
            this.clients = new InetSocketAddress[maxFrames];
        }

        /** Like {@link ForwardFrame#encode}: {@link #begin}, one {@link #append}, {@link #finish}. */
        public int encode(int kind, int node, long sentAt, InetSocketAddress client, byte[] data, int length,
                          byte[] out) {
            int p = begin(node, sentAt, out);
            p = append(out, p, kind, client, data, length);
            return finish(out, p, 1);
        }

        /** Writes a batch header into {@code out} and returns where the first frame goes. */
        public int begin(int node, long sentAt, byte[] out) {
            int p = 0;
            out[p++] = (byte) MAGIC;
            out[p++] = VERSION;
            out[p++] = (byte) (node >> 8);
            out[p++] = (byte) node;
            for (int i = 7; i >= 0; i--) {
                out[p++] = (byte) (sentAt >>> (8 * i));
            }
            out[p++] = 0;
            return p;
        }

        /**
         * Writes a frame at {@code out[p]} ({@link #frameSize} bytes must be free) and returns where
         * the next one goes.
         */
        public int append(byte[] out, int p, int kind, InetSocketAddress client, byte[] data, int length) {
            if (!client.equals(last)) {
                byte[] ip = client.getAddress().getAddress();
                remember(client, ip, 0, ip.length, client.getPort());
            }
            out[p++] = (byte) kind;
            out[p++] = (byte) (lastLength - 2);
            System.arraycopy(lastBytes, 0, out, p, lastLength);
            p += lastLength;
            out[p++] = (byte) (length >> 8);
            out[p++] = (byte) length;
            System.arraycopy(data, 0, out, p, length);
            return p + length;
        }

        /** Writes the count of the batch ending at {@code out[p]} and its tag; returns its length. */
        public int finish(byte[] out, int p, int count) {
            out[HEADER - 1] = (byte) count;
            tag(out, p);
            System.arraycopy(full, 0, out, p, MAC);
            return p + MAC;
        }

        /**
         * Reads the batch in {@code data[0, length)} (its tag is not checked): the number of its
         * frames, then at {@link #kind}, {@link #client}, {@link #offset} and {@link #length}; or
         * {@link #NOT_A_BATCH}, {@link #MALFORMED} or {@link #TOO_MANY}. The client address is the
         * last one's while frames name it.
         */
        public int parse(byte[] data, int length) {
            if (length < HEADER + MAC || length > data.length || (data[0] & 0xFF) != MAGIC || data[1] != VERSION) {
                return NOT_A_BATCH;
            }
            int count = data[HEADER - 1] & 0xFF;
            if (count == 0) {
                return NOT_A_BATCH;
            }
            if (count > kinds.length) {
                return TOO_MANY;
            }
            node = (data[2] & 0xFF) << 8 | (data[3] & 0xFF);
            long at = 0;
            for (int i = 4; i < 12; i++) {
                at = at << 8 | (data[i] & 0xFF);
            }
            sentAt = at;
            int end = length - MAC;
            int p = HEADER;
            for (int i = 0; i < count; i++) {
                p = frame(data, p, end, i);
                if (p < 0) {
                    return MALFORMED;
                }
            }
            return p == end ? count : MALFORMED;
        }

        /** Reads frame {@code i} at {@code data[p, end)}; where the next begins, or -1. */
        private int frame(byte[] data, int p, int end, int i) {
            if (end - p < 2) {
                return -1;
            }
            int kind = data[p];
            int ipLength = data[p + 1];
            if (kind != RECORD && kind != REPLY || ipLength != 4 && ipLength != 16) {
                return -1;
            }
            int address = p + 2;
            int payload = address + ipLength + 4;
            if (end - address < ipLength + 4) {
                return -1;
            }
            int n = (data[payload - 2] & 0xFF) << 8 | (data[payload - 1] & 0xFF);
            if (end - payload < n) {
                return -1;
            }
            InetSocketAddress client = last;
            if (client == null || !Arrays.equals(data, address, payload - 2, lastBytes, 0, lastLength)) {
                InetAddress ip;
                try {
                    ip = InetAddress.getByAddress(Arrays.copyOfRange(data, address, address + ipLength));
                } catch (UnknownHostException e) {
                    return -1; // not reached: the length is 4 or 16
                }
                if (ipLength == 16 && ip instanceof Inet4Address) {
                    return -1; // an IPv4-mapped IPv6 address: encode writes it as IPv4, so only that form is read (found by fuzzing)
                }
                int port = (data[address + ipLength] & 0xFF) << 8 | (data[address + ipLength + 1] & 0xFF);
                client = new InetSocketAddress(ip, port);
                remember(client, data, address, ipLength, port);
            }
            kinds[i] = kind;
            clients[i] = client;
            offsets[i] = payload;
            lengths[i] = n;
            return payload + n;
        }

        /** The sender of the last parsed batch. */
        public int node() {
            return node;
        }

        /** When the last parsed batch was sent. */
        public long sentAt() {
            return sentAt;
        }

        /** The kind of frame {@code i} of the last parsed batch. */
        public int kind(int i) {
            return kinds[i];
        }

        /** The client address of frame {@code i} of the last parsed batch. */
        public InetSocketAddress client(int i) {
            return clients[i];
        }

        /** Where the datagram of frame {@code i} of the last parsed batch begins. */
        public int offset(int i) {
            return offsets[i];
        }

        /** The length of the datagram of frame {@code i} of the last parsed batch. */
        public int length(int i) {
            return lengths[i];
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
