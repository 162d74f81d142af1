package dev.tern.coap.dtls.internal;

import dev.tern.coap.PeerIdentity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Hashtable;
import java.util.Set;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientHello;
import org.bouncycastle.tls.ExtensionType;
import org.bouncycastle.tls.HandshakeType;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SessionParameters;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.util.Arrays;

/**
 * A ClientHello that {@link QuickResumption} may answer, and the cached session it resumes: the
 * decision (DTLS 1.2, one unfragmented record, a session ID in this process's cache, a session made
 * with Extended Master Secret that the client offers again, an AEAD suite the client offers and the
 * server still allows, a PSK identity the store still knows, extensions from a short list on both
 * sides) and the ServerHello's extensions as BouncyCastle's server would build them. The hello is
 * parsed by BouncyCastle. Immutable.
 *
 * @param hello the parsed ClientHello
 * @param message the ClientHello handshake message as received (its header included), for the transcript
 * @param recordSeq the record sequence number it came in
 * @param messageSeq its message_seq
 * @param session the cached session it resumes (not a copy: read, never changed)
 * @param suite the session's cipher suite
 * @param prf the suite's TLS 1.2 PRF
 * @param clientCid the connection_id the client offered (RFC 9146), or null for none
 * @param secureRenegotiation whether it signalled RFC 5746 (extension or SCSV)
 * @param identity the peer's identity as the session recorded it, or null for none
 */
record ResumingHello(ClientHello hello, byte[] message, long recordSeq, int messageSeq, SessionParameters session,
                     int suite, int prf, byte[] clientCid, boolean secureRenegotiation, PeerIdentity identity) {
    static final int RENEGOTIATION_INFO = 0xFF01;
    private static final int SCSV = CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV;
    /**
     * What a resuming ClientHello may offer here: none of these changes a resumption's ServerHello
     * (OCSP stapling, server name, groups and signature algorithms matter only in a full handshake;
     * BouncyCastle 1.84's DTLS server ignores record_size_limit, RFC 8449, which GnuTLS offers).
     */
    private static final Set<Integer> CLIENT_EXTENSIONS = Set.of(ExtensionType.server_name, ExtensionType.status_request,
            ExtensionType.supported_groups, ExtensionType.ec_point_formats, ExtensionType.signature_algorithms,
            ExtensionType.signature_algorithms_cert, ExtensionType.padding, ExtensionType.encrypt_then_mac,
            ExtensionType.extended_master_secret, ExtensionType.session_ticket, ExtensionType.connection_id,
            ExtensionType.client_certificate_type, ExtensionType.server_certificate_type, ExtensionType.record_size_limit,
            RENEGOTIATION_INFO);
    /** The server extensions of a session that a resumption repeats as they are. */
    private static final Set<Integer> SESSION_EXTENSIONS = Set.of(RENEGOTIATION_INFO, ExtensionType.status_request,
            ExtensionType.extended_master_secret, ExtensionType.connection_id, ExtensionType.ec_point_formats,
            ExtensionType.client_certificate_type, ExtensionType.server_certificate_type);

    /**
     * The ClientHello in {@code data} if {@link QuickResumption} takes it (see the class comment),
     * else null; one with a cookie when {@code cookie}, else one without. Cheap checks first: most
     * hellos are not resumptions.
     */
    static ResumingHello of(DtlsContext shared, int[] serverSuites, byte[] data, int length, boolean cookie) {
        int body = helloBody(data, length);
        if (body < 0) {
            return null;
        }
        int m = RecordFilter.HEADER;
        int sid = m + RecordFilter.HANDSHAKE_HEADER + 2 + 32; // client_version, random
        int sidLength = sid < length ? data[sid] & 0xFF : 0;
        if (sidLength == 0 || sidLength > 32 || sid + sidLength + 1 >= length
                || (data[sid + sidLength + 1] != 0) != cookie) {
            return null; // no session to resume, or a cookie where none belongs (and the reverse)
        }
        SessionParameters p = shared.cachedServerSession(java.util.Arrays.copyOfRange(data, sid + 1, sid + 1 + sidLength));
        if (p == null) {
            return null;
        }
        ClientHello hello = parse(data, body);
        if (hello == null || !ProtocolVersion.DTLSv12.equals(p.getNegotiatedVersion())
                || !p.isExtendedMasterSecret()) {
            return null;
        }
        int suite = p.getCipherSuite();
        int prf = prfAlgorithm(suite);
        if (prf < 0 || !Arrays.contains(serverSuites, suite)) {
            return null;
        }
        @SuppressWarnings("unchecked")
        Hashtable<Integer, byte[]> ext = hello.getExtensions();
        if (!initialWithEms(ext) || !CLIENT_EXTENSIONS.containsAll(ext.keySet())) {
            return null;
        }
        if (!shared.mayResume(p, hello.getCipherSuites(), true)) {
            return null;
        }
        PeerIdentity identity;
        try {
            identity = HandshakeResult.identity(p.getPSKIdentity(), p.getPeerCertificate(), CipherSuites.name(suite));
        } catch (IOException | RuntimeException e) {
            return null; // a certificate that no longer parses
        }
        try {
            return new ResumingHello(hello, java.util.Arrays.copyOfRange(data, m, length), RecordFilter.u48(data, 5),
                    RecordFilter.u16(data, m + 4), p, suite, prf, TlsExtensionsUtils.getConnectionIDExtension(ext),
                    secureRenegotiation(hello, ext), identity);
        } catch (IOException e) {
            return null; // a malformed connection_id extension
        }
    }

    /**
     * The body length of the ClientHello in {@code data}, or -1 unless the datagram is one record
     * holding one unfragmented ClientHello.
     */
    static int helloBody(byte[] data, int length) {
        if (length < RecordFilter.HEADER + RecordFilter.HANDSHAKE_HEADER || RecordFilter.HEADER + RecordFilter.u16(data, 11) != length
                || data[RecordFilter.HEADER] != HandshakeType.client_hello) {
            return -1; // not one record holding one handshake message
        }
        int m = RecordFilter.HEADER;
        int body = RecordFilter.u24(data, m + 1);
        if (RecordFilter.u24(data, m + 6) != 0 || RecordFilter.u24(data, m + 9) != body || m + RecordFilter.HANDSHAKE_HEADER + body != length) {
            return -1; // fragmented
        }
        return body;
    }

    /** The ClientHello of {@link #helloBody} {@code body} bytes long parsed by BouncyCastle if it offers DTLS 1.2, else null. */
    static ClientHello parse(byte[] data, int body) {
        try {
            ClientHello hello = ClientHello.parse(new ByteArrayInputStream(data, RecordFilter.HEADER + RecordFilter.HANDSHAKE_HEADER,
                    body), new ByteArrayOutputStream(body));
            return ProtocolVersion.DTLSv12.equals(hello.getVersion()) ? hello : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether the renegotiation_info of {@code ext} (null: none) is the empty one of an initial
     * handshake (RFC 5746 §3.4), and Extended Master Secret is offered (RFC 7627 §5.1).
     */
    static boolean initialWithEms(Hashtable<Integer, byte[]> ext) {
        byte[] reneg = ext == null ? null : ext.get(RENEGOTIATION_INFO);
        byte[] ems = ext == null ? null : ext.get(ExtensionType.extended_master_secret);
        return ems != null && ems.length == 0 && (reneg == null || (reneg.length == 1 && reneg[0] == 0));
    }

    /** Whether the client signalled RFC 5746 (extension or SCSV). */
    static boolean secureRenegotiation(ClientHello hello, Hashtable<Integer, byte[]> ext) {
        return (ext != null && ext.containsKey(RENEGOTIATION_INFO)) || Arrays.contains(hello.getCipherSuites(), SCSV);
    }

    /**
     * The ServerHello's extensions, as BouncyCastle's server builds them for a resumption: the
     * session's, with Extended Master Secret and, when the client signalled it, the empty
     * renegotiation_info; null when that could differ from BouncyCastle's outcome.
     */
    Hashtable<Integer, byte[]> serverExtensions() {
        Hashtable<Integer, byte[]> ext;
        try {
            @SuppressWarnings("unchecked")
            Hashtable<Integer, byte[]> stored = session.readServerExtensions();
            ext = stored == null ? new Hashtable<>() : stored;
        } catch (IOException e) {
            return null;
        }
        if (!SESSION_EXTENSIONS.containsAll(ext.keySet()) || ext.containsKey(RENEGOTIATION_INFO) != secureRenegotiation
                || (ext.containsKey(ExtensionType.connection_id) && clientCid == null)) {
            return null;
        }
        ext.remove(ExtensionType.connection_id); // negotiated afresh (RFC 9146 §3)
        if (secureRenegotiation) {
            ext.put(RENEGOTIATION_INFO, new byte[] {0});
        }
        TlsExtensionsUtils.addExtendedMasterSecretExtension(ext);
        return ext;
    }

    /** The TLS 1.2 PRF of the AEAD suites taken here (RFC 5288, RFC 5487, RFC 6655, RFC 7251), or -1. */
    static int prfAlgorithm(int suite) {
        return switch (suite) {
            case CipherSuite.TLS_PSK_WITH_AES_128_CCM_8, CipherSuite.TLS_PSK_WITH_AES_128_CCM,
                    CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_PSK_WITH_AES_256_CCM_8,
                    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM,
                    CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                    CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 -> PRFAlgorithm.tls_prf_sha256;
            case CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                    CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 -> PRFAlgorithm.tls_prf_sha384;
            default -> -1;
        };
    }
}
