package dev.tern.coap.testkit.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.MessageType;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.testkit.CoapMessage;
import dev.tern.coap.testkit.InMemoryNetwork;
import dev.tern.coap.testkit.ScriptedPeer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The examples of README.md's "Testing your code with tern-testkit" section, compiled and run; the
 * last test checks that README.md shows exactly the code between the markers.
 */
class ReadmeTestkitExampleTest {
    private static final Pattern BLOCK = Pattern.compile(
            "// --- README: (testkit[a-z ]*) ---\\n(.*?)\\n\\s*// --- end ---", Pattern.DOTALL);

    @Test
    void inMemoryNetworkExample() {
        // --- README: testkit network ---
        ObservableResource temperature = ObservableResource.create();
        AtomicReference<String> value = new AtomicReference<>("20.0");
        Router router = Router.builder()
                .get("/temp", temperature.handler(req -> Response.content(value.get())),
                        RouteOptions.create().observable())
                .build();

        try (InMemoryNetwork network = new InMemoryNetwork()) {      // one manual clock, no sockets
            CoapServer server = network.server(router);                 // coap://192.0.2.1:5683
            CoapClient client = network.client();
            Response r = network.call(client, Request.get(InMemoryNetwork.uri(server, "/temp")).build());

            List<String> seen = new ArrayList<>();
            Observation obs = client.observe(Request.get(InMemoryNetwork.uri(server, "/temp")).build(),
                    notification -> seen.add(notification.payloadString()));
            network.await(obs.registered());
            value.set("21.5");
            temperature.changed();
            network.runPending();                                       // the notification is delivered
            network.advance(Duration.ofSeconds(247));                   // EXCHANGE_LIFETIME, in milliseconds
            // --- end ---
            assertThat(r.payloadString()).isEqualTo("20.0");
            assertThat(seen).startsWith("20.0", "21.5");
            assertThat(obs.isActive()).isTrue();
        }
    }

    @Test
    void scriptedPeerExample() {
        try (InMemoryNetwork network = new InMemoryNetwork()) {
            // --- README: testkit scripted peer ---
            CoapClient client = network.client();
            ScriptedPeer server = network.peer(new InetSocketAddress("192.0.2.200", 5683), client);

            CompletableFuture<Response> f = client.send(Request.get("coap://192.0.2.200/slow").build());
            CoapMessage get = server.expect();                                  // the client's CON GET
            server.send(CoapMessage.empty(MessageType.ACK, get.messageId()));   // empty ACK: the answer comes later
            server.send(CoapMessage.response(MessageType.CON, Code.CONTENT, 0x7001, get.token(), "done"));
            CoapMessage ack = server.expect();                                  // the client acknowledges it
            // --- end ---
            assertThat(get.type()).isEqualTo(MessageType.CON);
            assertThat(ack).isEqualTo(CoapMessage.empty(MessageType.ACK, 0x7001));
            assertThat(f.join().payloadString()).isEqualTo("done");
        }
    }

    @Test
    void theReadmeShowsTheseExamplesVerbatim() throws IOException {
        String source = Files.readString(Path.of("src/test/java", getClass().getName().replace('.', '/') + ".java"),
                StandardCharsets.UTF_8);
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        Matcher m = BLOCK.matcher(source);
        int blocks = 0;
        while (m.find()) {
            blocks++;
            String code = dedent(m.group(2));
            assertThat(readme).as("README.md shows the %s example as in this test", m.group(1)).contains(code);
        }
        assertThat(blocks).isEqualTo(2);
    }

    private static String dedent(String block) {
        List<String> lines = block.lines().collect(Collectors.toList());
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));
    }
}
