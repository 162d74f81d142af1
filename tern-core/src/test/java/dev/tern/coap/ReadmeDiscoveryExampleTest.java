package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The resource discovery example of README.md, compiled and run. Keep the two in step. */
class ReadmeDiscoveryExampleTest {
    @Test
    void discovery() {
        Service.Handler handler = req -> Response.content("21.5");
        // --- README: resource discovery ---
        Router router = Router.builder()
                .get("/sensors/temp", handler, RouteOptions.create()
                        .resourceType("temperature-c").interfaceDescription("sensor").produces(ContentFormat.TEXT_PLAIN))
                .build();
        // GET /.well-known/core -> </sensors/temp>;rt="temperature-c";if="sensor";ct=0
        // --- end ---
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router).build().start();
             CoapClient client = CoapClient.create()) {
            String host = "127.0.0.1:" + server.port();
            // --- README: resource discovery (client) ---
            List<Link> links = LinkFormat.parse(client.get("coap://" + host + "/.well-known/core").payloadString());
            List<Link> temps = LinkFormat.filter(links, List.of("rt=temperature*"));
            String doc = LinkFormat.format(temps);
            // --- end ---
            assertThat(doc).isEqualTo("</sensors/temp>;rt=\"temperature-c\";if=\"sensor\";ct=0");
        }
    }

    @Test
    void templatedRouteInstances() {
        Service.Handler handler = req -> Response.content("21.5");
        List<String> sensorIds = List.of("a", "b");
        // --- README: resource discovery (instances) ---
        Router gateway = Router.builder()
                .get("/sensors/{id}", handler, RouteOptions.create().resourceType("temperature-c").observable()
                        .links(() -> sensorIds.stream()
                                .map(id -> Link.builder("/sensors/" + id).title("sensor " + id).build())
                                .toList()))
                .build();
        // GET /.well-known/core?rt=temperature-c -> </sensors/a>;title="sensor a";rt="temperature-c";obs,...
        // --- end ---
        String doc = gateway.handle(Request.get("coap://localhost/.well-known/core?rt=temperature-c").build())
                .join().payloadString();
        assertThat(doc).isEqualTo("</sensors/a>;title=\"sensor a\";rt=\"temperature-c\";obs,"
                + "</sensors/b>;title=\"sensor b\";rt=\"temperature-c\";obs");
    }

    /** The multicast example of README.md: compiled, not run (it binds port 5683 and waits 6 s). */
    static void multicastExample(Service.Handler handler) {
        // --- README: multicast ---
        CoapServer server = CoapServer.builder()
                .joinAllCoapNodes()                    // 224.0.1.187, ff02::fd, ff05::fd on every multicast interface
                // .joinMulticast(group) or .joinMulticast(group, networkInterface); with .bind(addr): its interface only
                .service(Router.builder()
                        .get("/temp", handler, RouteOptions.create().multicast(true)) // this route answers groups
                        .build())
                .build().start();

        try (CoapClient client = CoapClient.create()) {
            List<Response> answers = client.multicast(Request.get("coap://224.0.1.187/.well-known/core").build(),
                    Duration.ofSeconds(6)).join();     // every response until the deadline
            answers.forEach(r -> System.out.println(r.peer().orElseThrow() + " " + r.payloadString()));
        }
        // --- end ---
        server.close();
    }
}
