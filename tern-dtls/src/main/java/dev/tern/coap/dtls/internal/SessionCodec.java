package dev.tern.coap.dtls.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Hashtable;
import java.util.Map;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SessionParameters;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsSecret;

/**
 * The resumable state of a DTLS 1.2 server session (RFC 5246 §7.3: cipher suite, master secret,
 * peer identity, negotiated extensions) as bytes, for a {@link dev.tern.coap.dtls.ResumptionCache}.
 * The encoding holds the master secret in clear: the cache encrypts it. Decoding never allocates
 * from a length it has not checked against the input; any malformed input decodes to null.
 *
 * <pre>
 * version(1)=1 | cipherSuite(2) | protocolVersion(2) | flags(1: bit0 extended master secret)
 * | masterSecret(1 len + bytes) | pskIdentity(2 len + bytes, 0xFFFF none)
 * | certType(1) certCount(1) { cert(3 len + bytes) }
 * | extCount(1) { type(2) len(2) bytes }
 * </pre>
 */
final class SessionCodec {
    private static final int VERSION = 1;
    private static final int NONE = 0xFFFF;

    private SessionCodec() {
    }

    /** The encoding of {@code p} with {@code masterSecret} (extracted from its own copy); null if unencodable. */
    static byte[] encode(SessionParameters p, byte[] masterSecret) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            out.write(VERSION);
            u16(out, p.getCipherSuite());
            ProtocolVersion v = p.getNegotiatedVersion();
            u16(out, v == null ? 0 : v.getFullVersion());
            out.write(p.isExtendedMasterSecret() ? 1 : 0);
            if (masterSecret.length > 255) {
                return null;
            }
            out.write(masterSecret.length);
            out.write(masterSecret);
            byte[] psk = p.getPSKIdentity();
            if (psk == null) {
                u16(out, NONE);
            } else if (psk.length >= NONE) {
                return null;
            } else {
                u16(out, psk.length);
                out.write(psk);
            }
            Certificate peer = p.getPeerCertificate();
            if (peer == null || peer.isEmpty()) {
                out.write(0);
                out.write(0);
            } else {
                TlsCertificate[] list = peer.getCertificateList();
                if (list.length > 255) {
                    return null;
                }
                out.write(peer.getCertificateType());
                out.write(list.length);
                for (TlsCertificate c : list) {
                    byte[] der = c.getEncoded();
                    if (der.length >= 1 << 24) {
                        return null;
                    }
                    out.write(der.length >> 16);
                    u16(out, der.length);
                    out.write(der);
                }
            }
            Hashtable<?, ?> ext = p.readServerExtensions();
            int n = ext == null ? 0 : ext.size();
            if (n > 255) {
                return null;
            }
            out.write(n);
            if (ext != null) {
                for (Map.Entry<?, ?> e : ext.entrySet()) {
                    byte[] data = (byte[]) e.getValue();
                    if (data.length > 0xFFFF) {
                        return null;
                    }
                    u16(out, (Integer) e.getKey());
                    u16(out, data.length);
                    out.write(data);
                }
            }
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The session encoded in {@code data}, its master secret created by {@code crypto}; null if malformed. */
    static SessionParameters decode(byte[] data, TlsCrypto crypto) {
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            if (u8(in) != VERSION) {
                return null;
            }
            int suite = u16(in);
            ProtocolVersion version = ProtocolVersion.get(in.get() & 0xFF, in.get() & 0xFF);
            boolean ems = (u8(in) & 1) != 0;
            byte[] master = bytes(in, u8(in));
            int pskLength = u16(in);
            byte[] psk = pskLength == NONE ? null : bytes(in, pskLength);
            short certType = (short) u8(in);
            int certs = u8(in);
            Certificate peer = null;
            if (certs > 0) {
                TlsCertificate[] list = new TlsCertificate[certs];
                for (int i = 0; i < certs; i++) {
                    int length = u8(in) << 16 | u16(in);
                    list[i] = crypto.createCertificate(certType, bytes(in, length));
                }
                peer = new Certificate(certType, list);
            }
            int extensions = u8(in);
            Hashtable<Integer, byte[]> ext = new Hashtable<>();
            for (int i = 0; i < extensions; i++) {
                int type = u16(in);
                ext.put(type, bytes(in, u16(in)));
            }
            if (in.hasRemaining() || master.length == 0) {
                return null;
            }
            TlsSecret secret = crypto.createSecret(master);
            java.util.Arrays.fill(master, (byte) 0);
            SessionParameters.Builder b = new SessionParameters.Builder().setCipherSuite(suite)
                    .setExtendedMasterSecret(ems).setMasterSecret(secret).setNegotiatedVersion(version)
                    .setPeerCertificate(peer).setPSKIdentity(psk);
            if (!ext.isEmpty()) {
                b.setServerExtensions(ext);
            }
            return b.build();
        } catch (IOException | RuntimeException e) {
            return null; // java.nio.BufferUnderflowException for a short input, IllegalArgumentException from BC
        }
    }

    private static byte[] bytes(ByteBuffer in, int n) {
        if (n > in.remaining()) {
            throw new java.nio.BufferUnderflowException();
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private static int u8(ByteBuffer in) {
        return in.get() & 0xFF;
    }

    private static int u16(ByteBuffer in) {
        return in.getShort() & 0xFFFF;
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >> 8);
        out.write(v);
    }
}
