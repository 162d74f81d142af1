package dev.tern.coap.leshan;

import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.LwM2mId;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationListener;
import org.eclipse.leshan.server.registration.RegistrationUpdate;
import org.eclipse.leshan.servers.security.SecurityStore;
import org.eclipse.leshan.transport.californium.client.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.transport.californium.client.endpoint.coap.CoapClientProtocolProvider;
import org.eclipse.leshan.transport.californium.client.endpoint.coaps.CoapsClientProtocolProvider;

/** Leshan servers on Tern and Leshan clients on Californium, for the interop tests. */
final class LeshanPeers {
    static final int SHORT_SERVER_ID = 123;

    private LeshanPeers() {
    }

    /** A Leshan server on a Tern endpoint on a free loopback port (coaps when {@code secure}). */
    static LeshanServer server(boolean secure, SecurityStore store) {
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        TernServerEndpointsProvider.Builder endpoints = TernServerEndpointsProvider.builder();
        if (secure) {
            endpoints.coaps(any);
        } else {
            endpoints.coap(any);
        }
        LeshanServerBuilder builder = new LeshanServerBuilder().setEndpointsProviders(endpoints.build());
        if (store != null) {
            builder.setSecurityStore(store);
        }
        return builder.build();
    }

    /**
     * The server {@code client} registered at, once the client itself knows (it took in the 2.01,
     * OMA LwM2M 1.1 Transport §6.2.1). The server's {@code registered} event does not say so: it
     * fires when the server has answered, and a client stopped before the answer reached it has no
     * registration to end and sends no De-register.
     */
    static LwM2mServer awaitRegistration(LeshanClient client) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !client.getRegisteredServers().isEmpty());
        return client.getRegisteredServers().values().iterator().next();
    }

    /** A Leshan client named {@code endpoint} on Californium, registering at {@code security}'s server. */
    static LeshanClient client(String endpoint, Security security, TestDevice device) {
        return client(endpoint, security, device, californiumClientTransport());
    }

    /** Leshan's Californium client transport, coap and coaps. */
    static CaliforniumClientEndpointsProvider californiumClientTransport() {
        return new CaliforniumClientEndpointsProvider.Builder(
                new CoapClientProtocolProvider(), new CoapsClientProtocolProvider()).build();
    }

    /** A Leshan client named {@code endpoint} on {@code transport}, registering at {@code security}'s server. */
    static LeshanClient client(String endpoint, Security security, TestDevice device,
                               org.eclipse.leshan.client.endpoint.LwM2mClientEndpointsProvider transport) {
        ObjectsInitializer objects = new ObjectsInitializer();
        objects.setInstancesForObject(LwM2mId.SECURITY, security);
        objects.setInstancesForObject(LwM2mId.SERVER, new Server(SHORT_SERVER_ID, 300));
        objects.setInstancesForObject(LwM2mId.DEVICE, device);
        return new LeshanClientBuilder(endpoint)
                .setObjects(objects.create(LwM2mId.SECURITY, LwM2mId.SERVER, LwM2mId.DEVICE))
                .setEndpointsProviders(transport).build();
    }

    /** A Leshan server on its Californium transport, coap and coaps on free loopback ports. */
    static LeshanServer californiumServer(SecurityStore store) {
        org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpointsProvider transport =
                new org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpointsProvider
                        .Builder(new org.eclipse.leshan.transport.californium.server.endpoint.coap
                                .CoapServerProtocolProvider(),
                        new org.eclipse.leshan.transport.californium.server.endpoint.coaps
                                .CoapsServerProtocolProvider())
                        .addEndpoint("coap://127.0.0.1:0").addEndpoint("coaps://127.0.0.1:0").build();
        LeshanServerBuilder builder = new LeshanServerBuilder().setEndpointsProviders(transport);
        if (store != null) {
            builder.setSecurityStore(store);
        }
        return builder.build();
    }

    /** Registration events of a server, in order. */
    static final class Registrations implements RegistrationListener {
        final BlockingQueue<Registration> registered = new LinkedBlockingQueue<>();
        final BlockingQueue<Registration> updated = new LinkedBlockingQueue<>();
        final BlockingQueue<Registration> unregistered = new LinkedBlockingQueue<>();

        @Override
        public void registered(Registration registration, Registration previousReg,
                               java.util.Collection<Observation> previousObservations) {
            registered.add(registration);
        }

        @Override
        public void updated(RegistrationUpdate update, Registration updatedReg, Registration previousReg) {
            updated.add(updatedReg);
        }

        @Override
        public void unregistered(Registration registration, java.util.Collection<Observation> observations,
                                 boolean expired, Registration newReg) {
            unregistered.add(registration);
        }
    }
}
