package dev.tern.coap.leshan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.endpoint.LwM2mClientEndpointsProvider;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.registration.Registration;

/**
 * The certificate interop scenario (OMA LwM2M 1.1 Transport §6.2, §6.4): a client registers at a
 * server, is read (/3/0) and deregisters; or, at an impostor, never registers. Closing destroys the
 * client and the server.
 */
final class RegisterReadDeregister implements AutoCloseable {
    private static final long TIMEOUT_MS = 10_000;

    private final LeshanServer server;
    private LeshanClient client;

    /** The scenario against {@code server} (not yet started). */
    RegisterReadDeregister(LeshanServer server) {
        this.server = server;
    }

    /** Client {@code endpoint} on {@code transport} registers with {@code security}, is read and deregisters. */
    void run(String endpoint, Function<String, Security> security, LwM2mClientEndpointsProvider transport)
            throws InterruptedException {
        LeshanPeers.Registrations events = start(endpoint, security, transport);
        Registration registration = events.registered.poll(30, TimeUnit.SECONDS);
        assertThat(registration).as("registered").isNotNull();
        assertThat(registration.getEndpoint()).isEqualTo(endpoint);
        LeshanPeers.awaitRegistration(client);

        ReadResponse read = server.send(registration, new ReadRequest(ContentFormat.SENML_CBOR, 3, 0), TIMEOUT_MS);
        assertThat(read.isSuccess()).as("read /3/0: %s", read).isTrue();
        assertThat(((LwM2mObjectInstance) read.getContent()).getResource(0).getValue()).isEqualTo("Tern");

        client.stop(true);
        Registration gone = events.unregistered.poll(30, TimeUnit.SECONDS);
        assertThat(gone).as("deregistered").isNotNull();
        assertThat(gone.getId()).isEqualTo(registration.getId());
        assertThat(server.getRegistrationStore().getAllRegistrations()).isExhausted();
    }

    /** Client {@code endpoint} on {@code transport} with {@code security} does not register within 8 s. */
    void expectNoRegistration(String endpoint, Function<String, Security> security,
                              LwM2mClientEndpointsProvider transport) throws InterruptedException {
        LeshanPeers.Registrations events = start(endpoint, security, transport);
        assertThat(events.registered.poll(8, TimeUnit.SECONDS)).as("registered at the impostor").isNull();
    }

    private LeshanPeers.Registrations start(String endpoint, Function<String, Security> security,
                                            LwM2mClientEndpointsProvider transport) {
        LeshanPeers.Registrations events = new LeshanPeers.Registrations();
        server.getRegistrationService().addListener(events);
        server.start();
        String uri = server.getEndpoints().get(0).getURI().toString();
        client = LeshanPeers.client(endpoint, security.apply(uri), new TestDevice(), transport);
        client.start();
        return events;
    }

    @Override
    public void close() {
        if (client != null) {
            client.destroy(false);
        }
        server.destroy();
    }
}
