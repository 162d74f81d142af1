package dev.tern.coap.dtls.internal;

import dev.tern.coap.Bytes;
import dev.tern.coap.PeerIdentity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * An established DTLS 1.2 session as a state record (issue 10: a restart or a handover without a new
 * handshake): what derives its record keys (RFC 5246 §6.3: cipher suite, PRF, master secret, both
 * randoms), the Connection IDs of each direction (RFC 9146), where its sequence numbers stand (the
 * next one to send, the newest one received: everything at or below it counts as seen, RFC 6347
 * §4.1.2.6), the peer's address and the identity its handshake authenticated. The key is
 * {@code 'E'} and the peer's address. The master secret is in the value: seal the records (the state
 * store does) and never log them.
 *
 * <p>Decoding is strict and bounded: a record that does not decode is refused whole.
 */
record SessionSnapshot(InetSocketAddress peer, boolean server, int cipherSuite, int prfAlgorithm,
                       int prfCryptoHash, int prfHashLength, boolean encryptThenMac, boolean truncatedHmac,
                       byte[] masterSecret, byte[] clientRandom, byte[] serverRandom, byte[] cidLocal, byte[] cidPeer,
                       long nextWriteSequence, long newestReceived, boolean resumed, PeerIdentity identity) {
    static final byte KEY_PREFIX = 'E';
    private static final int VERSION = 1;
    /** The longest certificate chain a record may carry (a bound on what a tampered store makes us parse). */
    private static final int MAX_CHAIN = 16;
    private static final int MAX_FIELD = 16 * 1024;

    static boolean isSnapshot(Bytes key) {
        return ResumptionRecords.isAddressKey(key, KEY_PREFIX);
    }

    Bytes key() {
        return ResumptionRecords.addressKey(KEY_PREFIX, peer);
    }

    byte[] encode() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(VERSION);
        write(out, peer.getAddress().getAddress());
        out.writeShort(peer.getPort());
        out.writeBoolean(server);
        out.writeShort(cipherSuite);
        out.writeByte(prfAlgorithm);
        out.writeByte(prfCryptoHash);
        out.writeByte(prfHashLength);
        out.writeBoolean(encryptThenMac);
        out.writeBoolean(truncatedHmac);
        write(out, masterSecret);
        write(out, clientRandom);
        write(out, serverRandom);
        write(out, cidLocal);
        write(out, cidPeer);
        out.writeLong(nextWriteSequence);
        out.writeLong(newestReceived);
        out.writeBoolean(resumed);
        writeIdentity(out, identity);
        return bytes.toByteArray();
    }

    static SessionSnapshot decode(byte[] value) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
        if (in.readUnsignedByte() != VERSION) {
            throw new IOException("unknown session record version");
        }
        byte[] ip = read(in);
        if (ip.length != 4 && ip.length != 16) {
            throw new IOException("bad address");
        }
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByAddress(ip), in.readUnsignedShort());
        boolean server = in.readBoolean();
        int suite = in.readUnsignedShort();
        int prf = in.readUnsignedByte();
        int prfHash = in.readUnsignedByte();
        int prfLength = in.readUnsignedByte();
        boolean etm = in.readBoolean();
        boolean truncated = in.readBoolean();
        byte[] master = read(in);
        byte[] clientRandom = read(in);
        byte[] serverRandom = read(in);
        byte[] cidLocal = read(in);
        byte[] cidPeer = read(in);
        long next = in.readLong();
        long newest = in.readLong();
        boolean resumed = in.readBoolean();
        PeerIdentity identity = readIdentity(in, CipherSuites.name(suite));
        if (master.length != 48 || clientRandom.length != 32 || serverRandom.length != 32 || cidLocal.length > 255
                || cidPeer.length > 255 || next < 0 || next >= 1L << 48 || newest < -1 || newest >= 1L << 48
                || in.available() != 0) {
            throw new IOException("malformed session record");
        }
        return new SessionSnapshot(peer, server, suite, prf, prfHash, prfLength, etm, truncated, master,
                clientRandom, serverRandom, cidLocal, cidPeer, next, newest, resumed, identity);
    }

    private static void writeIdentity(DataOutputStream out, PeerIdentity id) throws IOException {
        if (id == null) {
            out.writeByte(0);
            return;
        }
        switch (id.kind()) {
            case PRE_SHARED_KEY -> {
                out.writeByte(1);
                write(out, id.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            case RAW_PUBLIC_KEY -> {
                out.writeByte(2);
                out.writeUTF(id.publicKey().getAlgorithm());
                write(out, id.publicKey().getEncoded());
            }
            case X509 -> {
                out.writeByte(3);
                out.writeByte(id.certificates().size());
                for (X509Certificate c : id.certificates()) {
                    try {
                        write(out, c.getEncoded());
                    } catch (java.security.cert.CertificateEncodingException e) {
                        throw new IOException(e);
                    }
                }
            }
            default -> throw new IOException("identity kind " + id.kind() + " is not a DTLS one");
        }
    }

    private static PeerIdentity readIdentity(DataInputStream in, String suite) throws IOException {
        int kind = in.readUnsignedByte();
        try {
            switch (kind) {
                case 0:
                    return null;
                case 1:
                    return PeerIdentity.preSharedKey(new String(read(in), java.nio.charset.StandardCharsets.UTF_8),
                            suite);
                case 2: {
                    String algorithm = in.readUTF();
                    PublicKey key = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(read(in)));
                    return PeerIdentity.rawPublicKey(key, suite);
                }
                case 3: {
                    int n = in.readUnsignedByte();
                    if (n == 0 || n > MAX_CHAIN) {
                        throw new IOException("bad certificate chain length");
                    }
                    CertificateFactory f = CertificateFactory.getInstance("X.509");
                    List<X509Certificate> chain = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        chain.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(read(in))));
                    }
                    return PeerIdentity.x509(chain, suite);
                }
                default:
                    throw new IOException("unknown identity kind");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("bad identity: " + e.getMessage(), e);
        }
    }

    private static void write(DataOutputStream out, byte[] b) throws IOException {
        if (b.length > MAX_FIELD) {
            throw new IOException("field too long");
        }
        out.writeShort(b.length);
        out.write(b);
    }

    private static byte[] read(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        if (n > MAX_FIELD || n > in.available()) {
            throw new IOException("field longer than the record");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    @Override
    public String toString() {
        return "session with " + peer; // never the secret
    }
}
