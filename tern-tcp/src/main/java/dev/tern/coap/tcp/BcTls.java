package dev.tern.coap.tcp;

import dev.tern.coap.PeerIdentity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.util.AttributeKey;
import java.security.SecureRandom;
import java.util.function.Consumer;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * Pre-shared keys and raw public keys over TLS 1.3 and 1.2 through BouncyCastle's TLS in
 * non-blocking mode (RFC 8323 §9.1 with RFC 7252 §9.1.3.1 and §9.1.3.2; RFC 8446 external PSKs,
 * RFC 4279 and RFC 5489, RFC 7250): the first Java CoAP-over-TLS with either. The server looks
 * keys up in tern-dtls's {@code PskStore} and checks raw keys with {@link RawKeys}; the peer
 * identity is {@link PeerIdentity#preSharedKey} or {@link PeerIdentity#rawPublicKey}.
 */
final class BcTls implements TlsSetup {
    /** TLS 1.3 suites (RFC 8446 §9.1's mandatory AES-128-GCM first), then the TLS 1.2 ones of the credentials. */
    private static final int[] TLS13 = {
        CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_AES_128_CCM_SHA256,
    };
    /** ECDHE-PSK first (forward secrecy), then plain PSK with AEAD as libcoap's and most peers' fallbacks. */
    private static final int[] PSK12 = {
        CipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
    };
    /** Raw public keys sign ECDHE: RFC 7252 §9.1.3.2's CCM_8 suite and the common AEAD ones. */
    private static final int[] ECDSA12 = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
    };
    private static final AttributeKey<PeerIdentity> IDENTITY = AttributeKey.valueOf("tern.tls.bc.identity");
    final TlsConfig config;
    final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
    final RawKeys rawKeys;
    private final int[] suites;

    BcTls(TlsConfig config) {
        this.config = config;
        this.rawKeys = new RawKeys(config, crypto);
        boolean psk = config.pskStore != null || config.pskIdentity != null;
        int[] wanted = config.tls12Only ? new int[0] : TLS13;
        if (psk) {
            wanted = org.bouncycastle.util.Arrays.concatenate(wanted, PSK12);
        }
        if (config.rawKeys()) {
            wanted = org.bouncycastle.util.Arrays.concatenate(wanted, ECDSA12);
        }
        this.suites = TlsUtils.getSupportedCipherSuites(crypto, wanted);
    }

    /** The versions offered or accepted: 1.3 and 1.2, negotiated (RFC 8446 §4.2.1). */
    ProtocolVersion[] versions() {
        return config.tls12Only ? ProtocolVersion.TLSv12.only() : ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);
    }

    int[] suites() {
        return suites.clone();
    }

    @Override
    public void configure(ChannelPipeline pipeline, boolean client, long handshakeTimeoutMillis) {
        Channel channel = pipeline.channel();
        BcTlsHandler[] handler = new BcTlsHandler[1];
        Consumer<PeerIdentity> done = identity -> {
            channel.attr(IDENTITY).set(identity);
            handler[0].handshakeComplete();
        };
        if (client) {
            BcTlsClient peer = new BcTlsClient(this, done);
            TlsClientProtocol protocol = new TlsClientProtocol();
            handler[0] = new BcTlsHandler(protocol, () -> protocol.connect(peer));
        } else {
            BcTlsServer peer = new BcTlsServer(this, done);
            TlsServerProtocol protocol = new TlsServerProtocol();
            handler[0] = new BcTlsHandler(protocol, () -> protocol.accept(peer));
        }
        pipeline.addFirst("tls", handler[0]);
    }

    @Override
    public PeerIdentity peerIdentity(Channel channel) {
        return channel.attr(IDENTITY).get();
    }

    static String name(int suite) {
        switch (suite) {
            case CipherSuite.TLS_AES_128_GCM_SHA256:
                return "TLS_AES_128_GCM_SHA256";
            case CipherSuite.TLS_CHACHA20_POLY1305_SHA256:
                return "TLS_CHACHA20_POLY1305_SHA256";
            case CipherSuite.TLS_AES_128_CCM_SHA256:
                return "TLS_AES_128_CCM_SHA256";
            case CipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256:
                return "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256";
            case CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256:
                return "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256";
            case CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256:
                return "TLS_PSK_WITH_AES_128_GCM_SHA256";
            case CipherSuite.TLS_PSK_WITH_AES_128_CCM_8:
                return "TLS_PSK_WITH_AES_128_CCM_8";
            case CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:
                return "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
            case CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256:
                return "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256";
            case CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8:
                return "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8";
            default:
                return String.format("0x%04X", suite);
        }
    }
}
