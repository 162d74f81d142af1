package dev.tern.coap.leshan;

import dev.tern.coap.CoapServer;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.dtls.Dtls;
import java.net.InetAddress;
import java.security.cert.Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.leshan.client.endpoint.ClientEndpointToolbox;
import org.eclipse.leshan.client.endpoint.LwM2mClientEndpoint;
import org.eclipse.leshan.client.endpoint.LwM2mClientEndpointsProvider;
import org.eclipse.leshan.client.notification.NotificationManager;
import org.eclipse.leshan.client.request.DownlinkRequestReceiver;
import org.eclipse.leshan.client.resource.LwM2mObjectTree;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.client.servers.ServerInfo;
import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.core.peer.IpPeer;

/**
 * Eclipse Leshan's client transport on Tern: give it to {@code LeshanClientBuilder.setEndpointsProviders}
 * and a Leshan LwM2M client (OMA LwM2M 1.1) registers and is managed over Tern's CoAP (RFC 7252)
 * and, for a {@code coaps} server, Tern's DTLS 1.2 with a pre-shared key (RFC 7252 §9.1.3.1), a raw
 * public key (RFC 7250, §9.1.3.2) or an X.509 certificate (§9.1.3.3; certificate usages 2 and 3).
 *
 * <pre>{@code
 * LeshanClient client = new LeshanClientBuilder("lamp-1")
 *     .setObjects(objects)
 *     .setEndpointsProviders(TernClientEndpointsProvider.builder().build())
 *     .build();
 * client.start();
 * }</pre>
 *
 * One server at a time (as Leshan's Californium transport): one {@link CoapServer} on an ephemeral
 * port both sends the registration interface's requests and serves the server's device
 * management requests. Not yet: X.509 certificate usages 0 and 1, OSCORE, bootstrap servers' requests, the composite
 * operations.
 */
public final class TernClientEndpointsProvider implements LwM2mClientEndpointsProvider {
    private final EndpointConfig config;
    private final InetAddress bind;
    private ClientService service;
    private volatile TernClientEndpoint endpoint;
    private volatile LwM2mServer current;
    private volatile CoapServer coap;
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tern-leshan-client-callback");
        t.setDaemon(true);
        return t;
    });

    private TernClientEndpointsProvider(Builder b) {
        this.config = b.config;
        this.bind = b.bind;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Called by Leshan once: how device management requests reach the client's objects. */
    @Override
    public void init(LwM2mObjectTree objectTree, DownlinkRequestReceiver requestReceiver,
                     NotificationManager notificationManager, ClientEndpointToolbox toolbox) {
        ClientService s = new ClientService(requestReceiver, notificationManager, toolbox, () -> current);
        objectTree.addListener(new org.eclipse.leshan.client.resource.listener.ObjectsListenerAdapter() {
            @Override
            public void resourceChanged(org.eclipse.leshan.core.node.LwM2mPath... paths) {
                s.resourcesChanged(paths);
            }

            @Override
            public void objectInstancesRemoved(org.eclipse.leshan.client.resource.LwM2mObjectEnabler object,
                                               int... instanceIds) {
                s.instancesRemoved(object.getId(), instanceIds);
            }
        });
        service = s;
    }

    /** Binds a socket for {@code serverInfo}'s server (coap, or coaps with a PSK, RPK or certificate) and returns that server. */
    @Override
    public synchronized LwM2mServer createEndpoint(ServerInfo serverInfo, boolean clientInitiatedOnly,
                                                   List<Certificate> trustStore, ClientEndpointToolbox toolbox) {
        destroyEndpoints();
        String scheme = serverInfo.getFullUri().getScheme();
        CoapServer.Builder b = CoapServer.builder().port(0).config(config).service(service);
        if (bind != null) {
            b.bind(bind);
        }
        IpPeer peer;
        Protocol protocol;
        if (serverInfo.isSecure()) {
            ClientCredentials.Settings settings = ClientCredentials.of(serverInfo);
            b.security(Dtls.client(settings.dtls()));
            peer = new IpPeer(serverInfo.getAddress(), settings.server());
            protocol = Protocol.COAPS;
        } else if (Protocol.COAP.getUriScheme().equals(scheme)) {
            peer = new IpPeer(serverInfo.getAddress());
            protocol = Protocol.COAP;
        } else {
            throw new IllegalStateException("tern-leshan's client does not speak " + scheme);
        }
        coap = b.build().start();
        endpoint = new TernClientEndpoint(protocol, coap, toolbox, serverInfo.getAddress(), callbacks,
                config.exchangeLifetime());
        current = serverInfo.bootstrap ? new LwM2mServer(peer, serverInfo.serverUri)
                : new LwM2mServer(peer, serverInfo.serverId, serverInfo.serverUri);
        return current;
    }

    /** One server at a time: the first. */
    @Override
    public Collection<LwM2mServer> createEndpoints(Collection<? extends ServerInfo> serverInfo,
                                                   boolean clientInitiatedOnly, List<Certificate> trustStore,
                                                   ClientEndpointToolbox toolbox) {
        if (serverInfo.isEmpty()) {
            return List.of();
        }
        return List.of(createEndpoint(serverInfo.iterator().next(), clientInitiatedOnly, trustStore, toolbox));
    }

    /** Closes the socket of the current server. */
    @Override
    public synchronized void destroyEndpoints() {
        CoapServer s = coap;
        coap = null;
        endpoint = null;
        current = null;
        if (s != null) {
            s.close();
        }
    }

    /** Nothing to do: a socket is bound when its server is known ({@link #createEndpoint}). */
    @Override
    public void start() {
    }

    /** The endpoint of the current server, if any. */
    @Override
    public List<LwM2mClientEndpoint> getEndpoints() {
        TernClientEndpoint e = endpoint;
        return e == null ? List.of() : List.of(e);
    }

    /** The endpoint for {@code server}, or null. */
    @Override
    public LwM2mClientEndpoint getEndpoint(LwM2mServer server) {
        LwM2mServer c = current;
        return c != null && c.equals(server) ? endpoint : null;
    }

    /** Closes the socket. */
    @Override
    public void stop() {
        destroyEndpoints();
    }

    /** Closes the socket and ends the callback thread. */
    @Override
    public void destroy() {
        destroyEndpoints();
        callbacks.shutdownNow();
    }

    /** Builds a {@link TernClientEndpointsProvider}. */
    public static final class Builder {
        private EndpointConfig config = EndpointConfig.defaults();
        private InetAddress bind;

        private Builder() {
        }

        /** Transmission parameters and bounds (RFC 7252 §4.8); default {@link EndpointConfig#defaults()}. */
        public Builder config(EndpointConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The local address to bind (an ephemeral port on it); default all interfaces. */
        public Builder bind(InetAddress address) {
            this.bind = Objects.requireNonNull(address, "address");
            return this;
        }

        /** The provider. */
        public TernClientEndpointsProvider build() {
            return new TernClientEndpointsProvider(this);
        }
    }
}
