package dev.tern.coap.dtls.internal;

import java.io.IOException;
import java.util.Hashtable;
import java.util.Set;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientHello;
import org.bouncycastle.tls.ExtensionType;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.util.Arrays;

/**
 * A ClientHello (after the cookie exchange) that {@link QuickPsk} may answer with a full PSK
 * handshake: the decision, taken only where BouncyCastle's server would reach the same outcome. One
 * record holding one unfragmented ClientHello offering DTLS 1.2; no session to resume (no session ID,
 * or one this process does not know while no shared cache could know it); Extended Master Secret
 * offered (RFC 7627); the server's first choice among the offered suites (its own order, as
 * {@code TernTlsServer} picks) a plain PSK suite with an AEAD cipher (RFC 4279, RFC 6655); and
 * extensions from a short list none of which changes a PSK handshake's ServerHello. Immutable.
 *
 * @param hello the parsed ClientHello
 * @param message the ClientHello handshake message as received (its header included), for the transcript
 * @param recordSeq the record sequence number it came in
 * @param messageSeq its message_seq
 * @param suite the cipher suite the server picks
 * @param prf the suite's TLS 1.2 PRF
 * @param clientCid the connection_id the client offered (RFC 9146), or null for none
 * @param secureRenegotiation whether it signalled RFC 5746 (extension or SCSV)
 * @param statusRequest whether it asked for OCSP stapling (RFC 6066 §8): BouncyCastle's server then
 *     puts an empty status_request in its ServerHello, whatever the suite (and sends no
 *     CertificateStatus without a certificate), and so does {@link QuickPsk}
 */
record PskHello(ClientHello hello, byte[] message, long recordSeq, int messageSeq, int suite, int prf,
                byte[] clientCid, boolean secureRenegotiation, boolean statusRequest) {
    /** Plain PSK suites with an AEAD cipher: no ServerKeyExchange (no identity hint here), no key agreement. */
    private static final Set<Integer> PLAIN_PSK_AEAD = Set.of(CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
            CipherSuite.TLS_PSK_WITH_AES_128_CCM, CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_PSK_WITH_AES_256_CCM_8, CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384);
    /**
     * What the ClientHello may offer: none of these adds to a plain PSK handshake's ServerHello
     * beyond what {@link QuickPsk} puts there (groups, point formats, signature algorithms and server
     * name matter only to ECDHE and certificates; encrypt_then_mac only to CBC; BouncyCastle's server
     * issues no session tickets; status_request is answered as BouncyCastle's server answers it;
     * BouncyCastle 1.84's DTLS server ignores record_size_limit, RFC 8449, which GnuTLS offers).
     */
    private static final Set<Integer> CLIENT_EXTENSIONS = Set.of(ExtensionType.server_name,
            ExtensionType.supported_groups, ExtensionType.ec_point_formats, ExtensionType.signature_algorithms,
            ExtensionType.signature_algorithms_cert, ExtensionType.padding, ExtensionType.encrypt_then_mac,
            ExtensionType.extended_master_secret, ExtensionType.session_ticket, ExtensionType.connection_id,
            ExtensionType.status_request, ExtensionType.record_size_limit, ResumingHello.RENEGOTIATION_INFO);

    /** The ClientHello in {@code data} if {@link QuickPsk} takes it, else null. */
    static PskHello of(DtlsContext shared, int[] serverSuites, byte[] data, int length) {
        if (shared.config.pskStore() == null) {
            return null;
        }
        int body = ResumingHello.helloBody(data, length);
        if (body < 0) {
            return null;
        }
        int sid = RecordFilter.HEADER + RecordFilter.HANDSHAKE_HEADER + 2 + 32; // client_version, random
        int sidLength = sid < length ? data[sid] & 0xFF : 0;
        if (sidLength > 32 || sid + sidLength >= length) {
            return null;
        }
        if (sidLength > 0 && (shared.config.resumptionCache().isPresent()
                || shared.cachedServerSession(java.util.Arrays.copyOfRange(data, sid + 1, sid + 1 + sidLength)) != null)) {
            return null; // perhaps a resumption: BouncyCastle's handshake decides
        }
        ClientHello hello = ResumingHello.parse(data, body);
        if (hello == null) {
            return null;
        }
        int suite = firstCommon(serverSuites, hello.getCipherSuites());
        if (!PLAIN_PSK_AEAD.contains(suite)) {
            return null;
        }
        @SuppressWarnings("unchecked")
        Hashtable<Integer, byte[]> ext = hello.getExtensions();
        if (!ResumingHello.initialWithEms(ext) || !CLIENT_EXTENSIONS.containsAll(ext.keySet())) {
            return null;
        }
        int m = RecordFilter.HEADER;
        try {
            return new PskHello(hello, java.util.Arrays.copyOfRange(data, m, length), RecordFilter.u48(data, 5),
                    RecordFilter.u16(data, m + 4), suite, ResumingHello.prfAlgorithm(suite),
                    TlsExtensionsUtils.getConnectionIDExtension(ext), ResumingHello.secureRenegotiation(hello, ext),
                    TlsExtensionsUtils.getStatusRequestExtension(ext) != null);
        } catch (IOException | RuntimeException e) {
            return null; // a malformed connection_id or status_request: BouncyCastle's handshake answers it
        }
    }

    /** The first of the server's suites, in its order of preference, that the client offers; -1 for none. */
    private static int firstCommon(int[] serverSuites, int[] offered) {
        for (int suite : serverSuites) {
            if (Arrays.contains(offered, suite)) {
                return suite;
            }
        }
        return -1;
    }
}
