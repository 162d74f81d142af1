package dev.tern.coap.leshan;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.server.endpoint.LwM2mServerEndpointsProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpointsProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.coap.CoapServerProtocolProvider;

/**
 * One Leshan server for {@link LeshanRegistrationBench}, in its own JVM so that its RSS is its own:
 * {@code tern} or {@code californium} transport on 127.0.0.1 (port 0); prints {@code READY port}
 * and the registration count for each line read; exits at the end of its input.
 */
public final class LeshanBenchServer {
    private LeshanBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        LwM2mServerEndpointsProvider transport = args[0].equals("tern")
                ? TernServerEndpointsProvider.builder().coap(new InetSocketAddress("127.0.0.1", 0))
                        .maxRegistrationsPerAddress(1_000_000).maxRegistrations(1_000_000).build()
                : new CaliforniumServerEndpointsProvider.Builder(new CoapServerProtocolProvider())
                        .addEndpoint("coap://127.0.0.1:0").build();
        LeshanServer server = new LeshanServerBuilder().setEndpointsProviders(transport).build();
        server.start();
        System.out.println("READY " + server.getEndpoints().get(0).getURI().getPort());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            int n = 0;
            for (var it = server.getRegistrationStore().getAllRegistrations(); it.hasNext(); it.next()) {
                n++;
            }
            System.out.println("COUNT " + n);
            System.out.flush();
        }
        server.destroy();
    }
}
