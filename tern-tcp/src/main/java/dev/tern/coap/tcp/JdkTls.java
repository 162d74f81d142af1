package dev.tern.coap.tcp;

import dev.tern.coap.CoapTransportException;
import dev.tern.coap.PeerIdentity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** X.509 TLS through the JDK's SSLEngine under Netty's SslHandler (RFC 8323 §9.1, RFC 8446, RFC 5246). */
final class JdkTls implements TlsSetup {
    private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, TlsConfig.ALPN);
    private final TlsConfig config;
    private SslContext server;
    private SslContext client;

    JdkTls(TlsConfig config) {
        this.config = config;
    }

    private synchronized SslContext context(boolean forClient) {
        try {
            if (forClient) {
                if (client == null) {
                    SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                            .protocols("TLSv1.3", "TLSv1.2").applicationProtocolConfig(ALPN)
                            .endpointIdentificationAlgorithm(config.verifyHostname ? "HTTPS" : null);
                    if (!config.trusted.isEmpty()) {
                        b.trustManager(config.trusted.toArray(new X509Certificate[0]));
                    }
                    if (config.trustAnyServer) {
                        b.trustManager(InsecureTrustManagerFactory.INSTANCE);
                    }
                    if (config.key != null) {
                        b.keyManager(config.key, config.chain.toArray(new X509Certificate[0]));
                    }
                    client = b.build();
                }
                return client;
            }
            if (server == null) {
                if (config.key == null) {
                    throw new CoapTransportException("a TLS server needs an identity (TlsConfig.Builder.identity)");
                }
                SslContextBuilder b = SslContextBuilder.forServer(config.key, config.chain.toArray(new X509Certificate[0]))
                        .sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2").applicationProtocolConfig(ALPN);
                if (!config.trusted.isEmpty()) {
                    b.trustManager(config.trusted.toArray(new X509Certificate[0]))
                            .clientAuth(config.requireClientCertificate ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
                }
                server = b.build();
            }
            return server;
        } catch (SSLException e) {
            throw new CoapTransportException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    @Override
    public void configure(ChannelPipeline pipeline, boolean forClient, long handshakeTimeoutMillis) {
        SslHandler handler;
        if (forClient) {
            InetSocketAddress destination = pipeline.channel().attr(ConnectionHandler.DESTINATION).get();
            handler = context(true).newHandler(pipeline.channel().alloc(), destination.getHostString(),
                    destination.getPort());
        } else {
            handler = context(false).newHandler(pipeline.channel().alloc());
        }
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        pipeline.addFirst("tls", handler);
    }

    @Override
    public PeerIdentity peerIdentity(Channel channel) {
        SslHandler handler = channel.pipeline().get(SslHandler.class);
        if (handler == null) {
            return null;
        }
        SSLSession session = handler.engine().getSession();
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : session.getPeerCertificates()) {
                chain.add((X509Certificate) c);
            }
            return chain.isEmpty() ? null : PeerIdentity.x509(chain, session.getCipherSuite());
        } catch (SSLPeerUnverifiedException e) {
            return null; // no client certificate
        }
    }
}
