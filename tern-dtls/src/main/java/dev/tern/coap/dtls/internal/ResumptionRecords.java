package dev.tern.coap.dtls.internal;

import dev.tern.coap.Bytes;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.util.Hashtable;
import java.util.Map;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SessionParameters;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsSecret;

/**
 * The DTLS resumption cache (RFC 5246 §7.3, RFC 6347 §4.2) as state records: per session its
 * cipher suite, protocol version, Extended Master Secret flag (RFC 7627), master secret, PSK
 * identity and the server extensions it negotiated. A server record's key is {@code 'S'} and the
 * session ID; a client record's key is {@code 'C'} and the server's address, its value starting
 * with the session ID. Sessions authenticated by a peer certificate or raw public key are not
 * exported (their verified chain is not kept): those peers make a full handshake after a restart.
 * Every record is decoded strictly; one that does not decode is skipped, never half imported.
 */
final class ResumptionRecords {
    private static final int VERSION = 1;
    private static final byte SERVER = 'S';
    private static final byte CLIENT = 'C';

    private ResumptionRecords() {
    }

    /** Server: the record of {@code params} under {@code sessionId}; null if it cannot be exported. */
    static Map.Entry<Bytes, byte[]> server(byte[] sessionId, SessionParameters params, TlsCrypto crypto) {
        byte[] value = encode(params, crypto, null);
        return value == null ? null : Map.entry(prefixed(SERVER, sessionId), value);
    }

    /** Client: the record of the session with {@code server}; null if it cannot be exported. */
    static Map.Entry<Bytes, byte[]> client(InetSocketAddress server, TlsSession session, TlsCrypto crypto) {
        if (server.isUnresolved() || session == null || !session.isResumable()) {
            return null;
        }
        byte[] value = encode(session.exportSessionParameters(), crypto, session.getSessionID());
        return value == null ? null : Map.entry(addressKey(CLIENT, server), value);
    }

    /** Whether {@code key} is a server record's. */
    static boolean isServer(Bytes key) {
        return key.length() > 1 && key.get(0) == SERVER;
    }

    /** Whether {@code key} is a client record's. */
    static boolean isClient(Bytes key) {
        return isAddressKey(key, CLIENT);
    }

    /** A key of {@code prefix} and an address: its IPv4 or IPv6 bytes, then its port (read by {@link #address}). */
    static Bytes addressKey(byte prefix, InetSocketAddress a) {
        byte[] ip = a.getAddress().getAddress();
        return prefixed(prefix, ByteBuffer.allocate(ip.length + 2).put(ip).putShort((short) a.getPort()).array());
    }

    /** Whether {@code key} is an {@link #addressKey} of {@code prefix}. */
    static boolean isAddressKey(Bytes key, byte prefix) {
        return (key.length() == 7 || key.length() == 19) && key.get(0) == prefix;
    }

    /** The session ID of a server record's key. */
    static byte[] sessionId(Bytes key) {
        return key.slice(1, key.length() - 1).toArray();
    }

    /** The server address of a client record's key. */
    static InetSocketAddress address(Bytes key) throws IOException {
        byte[] k = key.toArray();
        byte[] ip = java.util.Arrays.copyOfRange(k, 1, k.length - 2);
        int port = (k[k.length - 2] & 0xFF) << 8 | k[k.length - 1] & 0xFF;
        return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    }

    private static Bytes prefixed(byte role, byte[] id) {
        byte[] k = new byte[id.length + 1];
        k[0] = role;
        System.arraycopy(id, 0, k, 1, id.length);
        return Bytes.wrap(k);
    }

    private static byte[] encode(SessionParameters p, TlsCrypto crypto, byte[] sessionId) {
        if (p == null || p.getPeerCertificate() != null && !p.getPeerCertificate().isEmpty()) {
            return null;
        }
        TlsSecret secret = p.getMasterSecret();
        if (secret == null) {
            return null;
        }
        byte[] master;
        try {
            synchronized (secret) {
                master = crypto.adoptSecret(secret).extract(); // a copy: extract destroys what it reads
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            writeBytes(out, sessionId == null ? new byte[0] : sessionId);
            out.writeShort(p.getCipherSuite());
            ProtocolVersion v = p.getNegotiatedVersion();
            out.writeByte(v.getMajorVersion());
            out.writeByte(v.getMinorVersion());
            out.writeBoolean(p.isExtendedMasterSecret());
            writeBytes(out, master);
            java.util.Arrays.fill(master, (byte) 0);
            writeBytes(out, p.getPSKIdentity() == null ? new byte[0] : p.getPSKIdentity());
            Hashtable<?, ?> ext = p.readServerExtensions();
            out.writeShort(ext == null ? 0 : ext.size());
            if (ext != null) {
                for (Map.Entry<?, ?> e : ext.entrySet()) {
                    out.writeShort((Integer) e.getKey());
                    writeBytes(out, (byte[]) e.getValue());
                }
            }
            return bytes.toByteArray();
        } catch (IOException | RuntimeException e) {
            return null; // destroyed meanwhile, or unreadable: not exported
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b.length > 0xFFFF) {
            throw new IOException("field too long");
        }
        out.writeShort(b.length);
        out.write(b);
    }

    /** A decoded record: the session ID (empty for a server record) and its parameters. */
    record Decoded(byte[] sessionId, SessionParameters params) {
        TlsSession session(byte[] id) {
            return TlsUtils.importSession(id, params);
        }
    }

    /**
     * Decodes a record; {@code IllegalArgumentException} when it is not one (truncated, another
     * version, a master secret that is not 48 bytes, RFC 5246 §8.1, trailing bytes).
     */
    static Decoded decode(byte[] value, TlsCrypto crypto) {
        ByteBuffer in = ByteBuffer.wrap(value);
        try {
            int version = in.get() & 0xFF;
            if (version != VERSION) {
                throw new IllegalArgumentException("resumption record version " + version);
            }
            byte[] sessionId = bytes(in);
            int suite = in.getShort() & 0xFFFF;
            ProtocolVersion v = ProtocolVersion.get(in.get() & 0xFF, in.get() & 0xFF);
            boolean ems = in.get() != 0;
            byte[] master = bytes(in);
            if (master.length != 48) {
                throw new IllegalArgumentException("master secret of " + master.length + " bytes");
            }
            byte[] psk = bytes(in);
            int n = in.getShort() & 0xFFFF;
            Hashtable<Integer, byte[]> ext = new Hashtable<>();
            for (int i = 0; i < n; i++) {
                ext.put(in.getShort() & 0xFFFF, bytes(in));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " trailing bytes");
            }
            SessionParameters.Builder b = new SessionParameters.Builder().setCipherSuite(suite)
                    .setExtendedMasterSecret(ems).setNegotiatedVersion(v).setMasterSecret(crypto.createSecret(master))
                    .setPSKIdentity(psk.length == 0 ? null : psk);
            java.util.Arrays.fill(master, (byte) 0);
            if (!ext.isEmpty()) {
                b.setServerExtensions(ext);
            }
            return new Decoded(sessionId, b.build());
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated resumption record");
        } catch (IOException e) {
            throw new IllegalArgumentException("resumption record: " + e.getMessage());
        }
    }

    private static byte[] bytes(ByteBuffer in) {
        int n = in.getShort() & 0xFFFF;
        if (n > in.remaining()) {
            throw new IllegalArgumentException("field of " + n + " bytes, " + in.remaining() + " left");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }
}
