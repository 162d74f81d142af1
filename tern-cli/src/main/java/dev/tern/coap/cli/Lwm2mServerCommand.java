package dev.tern.coap.cli;

import dev.tern.coap.leshan.TernServerEndpointsProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationListener;
import org.eclipse.leshan.server.registration.RegistrationUpdate;
import org.eclipse.leshan.servers.security.InMemorySecurityStore;
import org.eclipse.leshan.servers.security.NonUniqueSecurityInfoException;
import org.eclipse.leshan.servers.security.SecurityInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tern lwm2m-server}: an OMA LwM2M server (Eclipse Leshan on Tern's transport,
 * {@code tern-leshan}) that prints each device that registers and reads its Device object
 * ({@code /3/0}). Runs until SIGTERM or Ctrl-C.
 */
@Command(name = "lwm2m-server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Run an LwM2M server (Eclipse Leshan on Tern) that lists devices and reads their /3/0.",
            "Devices register over coap:// and, with --psk, over coaps:// (DTLS 1.2 with pre-shared keys).",
            "Each registration prints a line, then the Device object's resources. Stop with Ctrl-C."},
        footer = {"", "Examples:",
            "  tern lwm2m-server",
            "  tern lwm2m-server --port 5683 --psk lamp-1:lamp-identity:@lamp-1.key"})
public final class Lwm2mServerCommand implements Callable<Integer> {
    private final Io io;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile LeshanServer server;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "coap UDP port (default: ${DEFAULT-VALUE}; 0 picks one)")
    int port = 5683;

    @Option(names = "--dtls-port", paramLabel = "PORT", description = "coaps UDP port with --psk (default: ${DEFAULT-VALUE})")
    int dtlsPort = 5684;

    @Option(names = {"-b", "--bind"}, paramLabel = "ADDR", description = "local address to bind (default: all interfaces)")
    String bind;

    @Option(names = "--psk", paramLabel = "ENDPOINT:IDENTITY:KEY",
            description = {"a device that registers over coaps with this PSK identity and key (repeatable);",
                "KEY is text, 0x/hex: hex, @FILE or env:VAR, as for -k"})
    List<String> psks = new ArrayList<>();

    @Option(names = "--max-registrations", paramLabel = "N", description = "at most N devices (default: ${DEFAULT-VALUE})")
    int maxRegistrations = 100_000;

    Lwm2mServerCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        InetAddress address;
        try {
            address = bind == null ? new InetSocketAddress(0).getAddress() : InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new UsageException("cannot resolve --bind " + bind);
        }
        InMemorySecurityStore store = new InMemorySecurityStore();
        for (String spec : psks) {
            String[] parts = spec.split(":", 3);
            if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new UsageException("--psk wants ENDPOINT:IDENTITY:KEY");
            }
            try {
                store.add(SecurityInfo.newPreSharedKeyInfo(parts[0], parts[1],
                        PskKeys.option(parts[2], "--psk", KeyHygiene.to(io.err()))));
            } catch (NonUniqueSecurityInfoException e) {
                throw new UsageException("--psk: identity " + parts[1] + " given twice");
            }
        }
        TernServerEndpointsProvider.Builder endpoints = TernServerEndpointsProvider.builder()
                .coap(new InetSocketAddress(address, port)).maxRegistrations(maxRegistrations);
        if (!psks.isEmpty()) {
            endpoints.coaps(new InetSocketAddress(address, dtlsPort));
        }
        LeshanServer s = new LeshanServerBuilder().setEndpointsProviders(endpoints.build()).setSecurityStore(store)
                .build();
        s.getRegistrationService().addListener(new Printer(s));
        Thread hook = new Thread(stopped::countDown, "tern-lwm2m-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        s.start();
        server = s;
        s.getEndpoints().forEach(e -> io.err().println("tern: LwM2M server on " + e.getURI()));
        io.err().flush();
        try {
            stopped.await();
        } finally {
            s.destroy();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down
            }
        }
        return ExitCodes.OK;
    }

    /** The Leshan server once serving, else null (tests). */
    LeshanServer server() {
        return stopped.getCount() == 0 ? null : server;
    }

    /** Stops serving and lets {@link #call()} return 0, as SIGTERM does. */
    void stop() {
        stopped.countDown();
    }

    /** Prints registrations and the Device object of each new one. */
    private final class Printer implements RegistrationListener {
        private final LeshanServer leshan;

        Printer(LeshanServer leshan) {
            this.leshan = leshan;
        }

        @Override
        public void registered(Registration r, Registration previous, Collection<Observation> observations) {
            List<String> objects = new ArrayList<>();
            r.getSupportedObject().keySet().stream().sorted().forEach(id -> objects.add("/" + id));
            print("registered " + r.getEndpoint() + " from " + r.getClientTransportData() + " lwm2m="
                    + r.getLwM2mVersion() + " objects=" + String.join(",", objects));
            leshan.send(r, new ReadRequest(3, 0), 10_000, response -> print(device(r, response)),
                    e -> print(r.getEndpoint() + " /3/0: " + e.getMessage()));
        }

        @Override
        public void updated(RegistrationUpdate update, Registration updated, Registration previous) {
        }

        @Override
        public void unregistered(Registration r, Collection<Observation> observations, boolean expired,
                                 Registration newReg) {
            if (newReg == null) {
                print((expired ? "expired " : "deregistered ") + r.getEndpoint());
            }
        }

        private String device(Registration r, ReadResponse response) {
            if (!response.isSuccess() || !(response.getContent() instanceof LwM2mObjectInstance instance)) {
                return r.getEndpoint() + " /3/0: " + response.getCode() + " " + response.getErrorMessage();
            }
            StringBuilder line = new StringBuilder(r.getEndpoint()).append(" /3/0:");
            for (Map.Entry<Integer, LwM2mResource> e : instance.getResources().entrySet()) {
                ResourceModel model = leshan.getModelProvider().getObjectModel(r).getResourceModel(3, e.getKey());
                String name = model == null ? Integer.toString(e.getKey()) : model.name;
                Object value = e.getValue().isMultiInstances() ? e.getValue().getInstances().values()
                        .stream().map(i -> String.valueOf(i.getValue())).toList() : e.getValue().getValue();
                line.append(' ').append(name).append('=').append(value).append(';');
            }
            return line.substring(0, line.length() - 1);
        }

        private void print(String line) {
            synchronized (io.out()) {
                io.out().println(line);
                io.out().flush();
            }
        }
    }
}
