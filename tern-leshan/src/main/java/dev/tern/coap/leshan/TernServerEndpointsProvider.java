package dev.tern.coap.leshan;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.CoapUri;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.endpoint.LwM2mServerEndpoint;
import org.eclipse.leshan.server.endpoint.LwM2mServerEndpointsProvider;
import org.eclipse.leshan.server.endpoint.ServerEndpointToolbox;
import org.eclipse.leshan.server.observation.LwM2mNotificationReceiver;
import org.eclipse.leshan.server.request.UplinkDeviceManagementRequestReceiver;
import org.eclipse.leshan.servers.security.ServerSecurityInfo;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.eclipse.leshan.servers.security.SecurityStore;

/**
 * Eclipse Leshan's server transport on Tern: give it to {@code LeshanServerBuilder.setEndpointsProviders}
 * and Leshan's LwM2M server (OMA LwM2M 1.1) runs over Tern's CoAP (RFC 7252) and, for {@code coaps},
 * Tern's DTLS 1.2 with the pre-shared keys of Leshan's security store (RFC 7252 §9.1.3.1) and, when
 * the server has a key pair or certificate, devices' raw public keys (RFC 7250, §9.1.3.2) and X.509
 * certificates (§9.1.3.3).
 *
 * <pre>{@code
 * LeshanServer server = new LeshanServerBuilder()
 *     .setEndpointsProviders(TernServerEndpointsProvider.builder()
 *         .coap(new InetSocketAddress(5683))
 *         .coaps(new InetSocketAddress(5684))
 *         .build())
 *     .setSecurityStore(securityStore)
 *     .build();
 * server.start();
 * }</pre>
 *
 * Each endpoint is one {@link CoapServer} with one I/O thread; Leshan's registration interface is
 * its {@code /rd} routes, and device management requests leave from the same socket and DTLS
 * sessions the devices registered through.
 */
public final class TernServerEndpointsProvider implements LwM2mServerEndpointsProvider {
    private static final int CALLBACK_THREADS = 4;
    private final List<InetSocketAddress> coap;
    private final List<InetSocketAddress> coaps;
    private final EndpointConfig config;
    private final RegistrationLimits limits;
    private final ServerCredentials credentials;
    private volatile Notifications delivery;
    private final List<Running> endpoints = new ArrayList<>();
    private ExecutorService callbacks;
    private ExecutorService notifications;

    private TernServerEndpointsProvider(Builder b) {
        this.coap = List.copyOf(b.coap);
        this.coaps = List.copyOf(b.coaps);
        this.config = b.config;
        this.limits = new RegistrationLimits(b.maxRegistrations, b.maxRegistrationsPerAddress);
        this.credentials = b.credentials;
    }

    /** A new builder; without endpoints it serves {@code coap} on port 5683 of all interfaces. */
    public static Builder builder() {
        return new Builder();
    }

    /** The endpoints, after Leshan created them (its {@code LeshanServerBuilder.build()}). */
    @Override
    public List<LwM2mServerEndpoint> getEndpoints() {
        List<LwM2mServerEndpoint> all = new ArrayList<>();
        for (Running r : endpoints) {
            all.add(r.endpoint);
        }
        return all;
    }

    /** The endpoint with that URI, or null. */
    @Override
    public LwM2mServerEndpoint getEndpoint(EndpointUri uri) {
        for (Running r : endpoints) {
            if (r.endpoint.getURI().equals(uri)) {
                return r.endpoint;
            }
        }
        return null;
    }

    /** Called by Leshan once: builds one Tern server per configured address (not yet bound). */
    @Override
    public void createEndpoints(UplinkDeviceManagementRequestReceiver requestReceiver,
                                LwM2mNotificationReceiver observationService, ServerEndpointToolbox toolbox,
                                ServerSecurityInfo serverSecurityInfo, LeshanServer server) {
        // Leshan's response callbacks; their number is bounded by the requests in flight (maxClientExchanges)
        callbacks = Executors.newFixedThreadPool(CALLBACK_THREADS, daemons("tern-leshan-callback-"));
        // one thread keeps each observation's notifications in order; Notifications keeps one waiting per observation
        notifications = Executors.newSingleThreadExecutor(daemons("tern-leshan-notifications-"));
        server.getRegistrationService().addListener(limits);
        java.util.function.Predicate<String> registered = endpoint -> endpoint != null
                && server.getRegistrationStore().getRegistrationByEndpoint(endpoint) != null;
        Notifications delivery = new Notifications(observationService, server.getRegistrationStore(),
                toolbox.getProfileProvider(), toolbox.getDecoder(), notifications, callbacks);
        this.delivery = delivery;
        for (InetSocketAddress address : coap) {
            endpoints.add(new Running(address, Protocol.COAP, null, requestReceiver, toolbox, delivery, registered));
        }
        for (InetSocketAddress address : coaps) {
            DtlsConfig.ServerBuilder d = DtlsConfig.server()
                    .pskStore(identity -> key(server.getSecurityStore(), identity));
            credentials.apply(d, serverSecurityInfo, server::getSecurityStore);
            DtlsConfig dtls = d.build();
            endpoints.add(new Running(address, Protocol.COAPS, dtls, requestReceiver, toolbox, delivery, registered));
        }
    }

    /** Binds the sockets and starts serving. */
    @Override
    public synchronized void start() {
        for (Running r : endpoints) {
            r.start();
        }
    }

    /** Stops serving and releases the sockets; {@link #start()} binds them again. */
    @Override
    public synchronized void stop() {
        for (Running r : endpoints) {
            r.stop();
        }
    }

    /** Stops serving and ends the threads. */
    @Override
    public synchronized void destroy() {
        stop();
        if (callbacks != null) {
            callbacks.shutdownNow();
            notifications.shutdownNow();
        }
    }

    /** Notifications waiting for Leshan's listeners (tests). */
    int pendingNotifications() {
        return notifications instanceof java.util.concurrent.ThreadPoolExecutor t ? t.getQueue().size() : 0;
    }

    /** The pre-shared key of a device's PSK identity from Leshan's security store, or null. */
    private static byte[] key(SecurityStore store, String identity) {
        if (store == null) {
            return null;
        }
        SecurityInfo info = store.getByIdentity(identity);
        return info != null && info.usePSK() ? info.getPreSharedKey() : null;
    }

    private static java.util.concurrent.ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** One endpoint and the Tern server under it. */
    private final class Running {
        private final InetSocketAddress address;
        private final Protocol protocol;
        private final DtlsConfig dtls;
        private final UplinkRoutes routes;
        private final TernServerEndpoint endpoint;
        private final ServerEndpointToolbox toolbox;
        private volatile CoapServer server;
        private volatile CoapClient client;
        private volatile EndpointUri uri;

        Running(InetSocketAddress address, Protocol protocol, DtlsConfig dtls,
                UplinkDeviceManagementRequestReceiver receiver, ServerEndpointToolbox toolbox, Notifications delivery,
                java.util.function.Predicate<String> registered) {
            this.address = address;
            this.protocol = protocol;
            this.dtls = dtls;
            this.toolbox = toolbox;
            this.uri = toolbox.getUriHandler().createUri(protocol.getUriScheme(), address);
            this.routes = new UplinkRoutes(receiver, toolbox, () -> uri, callbacks, limits,
                    registered);
            this.endpoint = new TernServerEndpoint(protocol, toolbox, delivery, callbacks, this::client, () -> uri);
        }

        private CoapClient client() {
            CoapClient c = client;
            if (c == null) {
                throw new IllegalStateException("the endpoint " + uri + " is not started");
            }
            return c;
        }

        void start() {
            if (server != null) {
                return;
            }
            CoapServer.Builder b = CoapServer.builder().bind(address.getAddress()).port(address.getPort())
                    .config(config).service(routes.router());
            if (dtls != null) {
                b.security(Dtls.server(dtls));
            }
            CoapServer s = b.build().start();
            uri = toolbox.getUriHandler().createUri(protocol.getUriScheme(), s.localAddress());
            client = s.client();
            server = s;
        }

        void stop() {
            CoapServer s = server;
            if (s != null) {
                server = null;
                client = null;
                s.close();
            }
        }
    }

    /** Builds a {@link TernServerEndpointsProvider}. */
    public static final class Builder {
        private final List<InetSocketAddress> coap = new ArrayList<>();
        private final List<InetSocketAddress> coaps = new ArrayList<>();
        private EndpointConfig config = EndpointConfig.defaults();
        private int maxRegistrations = 100_000;
        private int maxRegistrationsPerAddress = 64;
        private final ServerCredentials credentials = new ServerCredentials();

        private Builder() {
        }

        /**
         * The most registrations the server takes (OMA LwM2M 1.1 Transport §6.2.1); beyond it a new
         * device's Register gets 5.03 Service Unavailable with Max-Age 60, while devices already
         * registered may register again and update. Default 100 000.
         */
        public Builder maxRegistrations(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxRegistrations must be at least 1: " + max);
            }
            this.maxRegistrations = max;
            return this;
        }

        /**
         * The most registrations that unauthenticated devices ({@code coap}, no DTLS identity) from one
         * IP address may hold, so that one host cannot fill {@link #maxRegistrations} with made-up
         * endpoint names; beyond it 5.03 with Max-Age 60. Devices authenticated by DTLS are bounded
         * by Leshan's security store instead. Default 64.
         */
        public Builder maxRegistrationsPerAddress(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxRegistrationsPerAddress must be at least 1: " + max);
            }
            this.maxRegistrationsPerAddress = max;
            return this;
        }

        /**
         * The server's own raw public key (RFC 7250, RFC 7252 §9.1.3.2; an EC secp256r1 pair) for
         * {@code coaps}: devices in RPK mode then authenticate with the raw public key Leshan's security
         * store holds for them ({@code SecurityInfo.newRawPublicKeyInfo}). Without it (and without
         * {@link #certificate}) the key pair given to {@code LeshanServerBuilder} is used, if any.
         */
        public Builder rawPublicKey(java.security.KeyPair keyPair) {
            credentials.rawPublicKey(keyPair);
            return this;
        }

        /**
         * The server's own X.509 credentials for {@code coaps} (RFC 7252 §9.1.3.3): its private key and
         * certificate chain, leaf first. Without it the chain given to {@code LeshanServerBuilder} is
         * used, if any.
         */
        public Builder certificate(java.security.PrivateKey key, List<java.security.cert.X509Certificate> chain) {
            credentials.certificate(key, chain);
            return this;
        }

        /**
         * Trust anchors for devices' certificates (RFC 7252 §9.1.3.3; added to
         * {@code LeshanServerBuilder.setTrustedCertificates}). A device with a certificate that chains to
         * one of them is then accepted by the handshake, and Leshan's authorizer requires its subject CN
         * to be the endpoint name it registers (a {@code SecurityInfo.newX509CertInfo} for that name).
         */
        public Builder trustedCertificates(List<java.security.cert.X509Certificate> anchors) {
            credentials.trustedCertificates(anchors);
            return this;
        }

        /**
         * How old the set of devices' raw public keys (from Leshan's security store, which has no
         * lookup by key) may be when a handshake presents a key not in it: older, it is rebuilt from
         * the store once; newer, the key is refused (RFC 7250). A flood of unknown keys thus costs one
         * scan of the store per period. Default 1 s.
         */
        public Builder rawPublicKeyRefresh(java.time.Duration refresh) {
            credentials.keyRefresh(refresh);
            return this;
        }

        /** Adds a {@code coap} endpoint (RFC 7252) on {@code address}; port 0 picks a free one. */
        public Builder coap(InetSocketAddress address) {
            coap.add(Objects.requireNonNull(address, "address"));
            return this;
        }

        /**
         * Adds a {@code coaps} endpoint (DTLS 1.2, RFC 7252 §9.1) on {@code address}: devices
         * authenticate with the pre-shared key that Leshan's security store holds for their PSK
         * identity (§9.1.3.1) or, with {@link #rawPublicKey} or {@link #certificate}, with a raw
         * public key the store holds (§9.1.3.2) or a certificate that chains to
         * {@link #trustedCertificates} (§9.1.3.3); Leshan's authorizer then checks that identity
         * against the endpoint name.
         */
        public Builder coaps(InetSocketAddress address) {
            coaps.add(Objects.requireNonNull(address, "address"));
            return this;
        }

        /** Transmission parameters and bounds of every endpoint (RFC 7252 §4.8); default {@link EndpointConfig#defaults()}. */
        public Builder config(EndpointConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The provider. */
        public TernServerEndpointsProvider build() {
            if (coap.isEmpty() && coaps.isEmpty()) {
                coap.add(new InetSocketAddress(CoapUri.DEFAULT_PORT));
            }
            return new TernServerEndpointsProvider(this);
        }
    }
}
