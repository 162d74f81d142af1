package dev.tern.coap.tcp;

import dev.tern.coap.PeerIdentity;
import dev.tern.coap.dtls.PskStore;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * TLS 1.2 with pre-shared keys (RFC 4279, RFC 5489; RFC 8323 §9.1 with RFC 7252 §9.1.3.1's
 * PSK mode) through BouncyCastle's TLS in non-blocking mode: the first Java CoAP-over-TLS with
 * PSK. The server looks keys up in tern-dtls's {@link PskStore}; the peer identity is
 * {@link PeerIdentity#preSharedKey}.
 */
final class BcPskTls implements TlsSetup {
    /** ECDHE-PSK first (forward secrecy), then plain PSK with AEAD as libcoap's and most peers' fallbacks. */
    private static final int[] SUITES = {
        CipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
    };
    private static final AttributeKey<PeerIdentity> IDENTITY = AttributeKey.valueOf("tern.tls.psk.identity");
    private final TlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
    private final PskStore store;
    private final String identity;
    private final byte[] key;

    BcPskTls(PskStore store, String identity, byte[] key) {
        this.store = store;
        this.identity = identity;
        this.key = key;
    }

    @Override
    public void configure(ChannelPipeline pipeline, boolean client, long handshakeTimeoutMillis) {
        Channel channel = pipeline.channel();
        BcTlsHandler[] handler = new BcTlsHandler[1];
        if (client) {
            if (identity == null) {
                throw new IllegalStateException("a PSK client needs TlsConfig.Builder.psk(identity, key)");
            }
            TlsClientProtocol protocol = new TlsClientProtocol();
            PSKTlsClient peer = new PSKTlsClient(crypto, new BasicTlsPSKIdentity(identity, key.clone())) {
                @Override
                protected ProtocolVersion[] getSupportedVersions() {
                    return ProtocolVersion.TLSv12.only();
                }

                @Override
                protected int[] getSupportedCipherSuites() {
                    return SUITES.clone();
                }

                @Override
                public void notifyHandshakeComplete() {
                    channel.attr(IDENTITY).set(PeerIdentity.preSharedKey(identity,
                            name(context.getSecurityParametersConnection().getCipherSuite())));
                    handler[0].handshakeComplete();
                }
            };
            handler[0] = new BcTlsHandler(protocol, () -> protocol.connect(peer));
        } else {
            if (store == null) {
                throw new IllegalStateException("a PSK server needs TlsConfig.Builder.pskStore(store)");
            }
            TlsServerProtocol protocol = new TlsServerProtocol();
            PSKTlsServer peer = new PSKTlsServer(crypto, new TlsPSKIdentityManager() {
                @Override
                public byte[] getHint() {
                    return null;
                }

                @Override
                public byte[] getPSK(byte[] id) {
                    return store.key(new String(id, StandardCharsets.UTF_8));
                }
            }) {
                @Override
                protected ProtocolVersion[] getSupportedVersions() {
                    return ProtocolVersion.TLSv12.only();
                }

                @Override
                protected int[] getSupportedCipherSuites() {
                    return SUITES.clone();
                }

                @Override
                public void notifyHandshakeComplete() {
                    byte[] id = context.getSecurityParametersConnection().getPSKIdentity();
                    channel.attr(IDENTITY).set(PeerIdentity.preSharedKey(new String(id, StandardCharsets.UTF_8),
                            name(context.getSecurityParametersConnection().getCipherSuite())));
                    handler[0].handshakeComplete();
                }
            };
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
            case CipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256:
                return "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256";
            case CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256:
                return "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256";
            case CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256:
                return "TLS_PSK_WITH_AES_128_GCM_SHA256";
            case CipherSuite.TLS_PSK_WITH_AES_128_CCM_8:
                return "TLS_PSK_WITH_AES_128_CCM_8";
            default:
                return String.format("0x%04X", suite);
        }
    }
}
