package dev.tern.coap;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A server for {@link MulticastNamespaceTest}, run inside a network namespace: binds {@code args[0]}
 * ({@code *} for the wildcard address) on an ephemeral port, joins All-CoAP-Nodes as
 * {@code tern serve -m} does, prints {@code READY port interfaces...}, and serves until its stdin
 * closes. Routes: {@code GET /large} (4000 bytes, not opted in to group requests), {@code POST /items}
 * (not opted in; prints {@code POSTED} when its handler runs), {@code POST /group-items} (opted in;
 * prints {@code GROUP-POSTED}) and the generated
 * {@code /.well-known/core}.
 */
public final class GroupServerMain {
    private GroupServerMain() {
    }

    /** Runs the server. */
    public static void main(String[] args) throws IOException {
        Router router = Router.builder()
                .get("/large", req -> Response.content("x".repeat(4000)), RouteOptions.create().title("large"))
                .post("/items", req -> {
                    System.out.println("POSTED");
                    System.out.flush();
                    return Response.of(Code.CREATED);
                })
                .post("/group-items", req -> {
                    System.out.println("GROUP-POSTED");
                    System.out.flush();
                    return Response.of(Code.CREATED);
                }, RouteOptions.create().multicast(true))
                .build();
        CoapServer.Builder b = CoapServer.builder().port(0).service(router).executor(Runnable::run)
                .config(EndpointConfig.builder().multicastLeisure(Duration.ofMillis(20)).build()).joinAllCoapNodes();
        if (!"*".equals(args[0])) {
            b.bind(args[0]);
        }
        try (CoapServer server = b.build().start()) {
            List<String> names = new ArrayList<>();
            server.multicastInterfaces().forEach(n -> names.add(n.getName()));
            System.out.println("READY " + server.port() + " " + String.join(" ", names));
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the test closes the pipe
            }
        }
    }
}
