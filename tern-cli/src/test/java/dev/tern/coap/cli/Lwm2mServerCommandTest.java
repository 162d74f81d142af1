package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.Code;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code tern lwm2m-server}: a device (a Tern server speaking LwM2M's registration interface and
 * answering /3/0 in SenML JSON) registers, the command prints it and its Device object, then the
 * deregistration.
 */
class Lwm2mServerCommandTest {

    @Test
    void printsEachRegisteredDeviceAndItsDeviceObject() {
        Captured output = new Captured(false);
        CommandLine cl = Main.commandLine(output.io);
        Lwm2mServerCommand command = (Lwm2mServerCommand) cl.getSubcommands().get("lwm2m-server").getCommand();
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Thread t = new Thread(() -> status.complete(cl.execute("lwm2m-server", "--port", "0", "--bind", "127.0.0.1")),
                "tern-lwm2m-server-test");
        t.setDaemon(true);
        t.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> command.server() != null || status.isDone());
        assertThat(status).as(output.err()).isNotDone();
        String uri = command.server().getEndpoints().get(0).getURI().toString();
        assertThat(output.err()).contains("tern: LwM2M server on " + uri);

        String senml = "[{\"bn\":\"/3/0/\",\"n\":\"0\",\"vs\":\"Tern\"},{\"n\":\"1\",\"vs\":\"cli-model\"},"
                + "{\"n\":\"2\",\"vs\":\"42\"}]";
        try (CoapServer device = CoapServer.builder().bind("127.0.0.1").port(0).service(Router.builder()
                .get("/3/0", req -> Response.builder(Code.CONTENT).contentFormat(110).payload(senml).build())
                .build()).build().start()) {
            Response created = device.client().call(Request.post(uri + "/rd?ep=cli-device&lt=300&lwm2m=1.1&b=U")
                    .contentFormat(40).payload("</1/0>,</3/0>").build());
            assertThat(created.code()).isEqualTo(Code.CREATED);
            await().atMost(Duration.ofSeconds(20)).until(() -> output.out().contains("Manufacturer=Tern"));
            assertThat(output.out()).contains("registered cli-device from ").contains("lwm2m=1.1 objects=/1,/3")
                    .contains("cli-device /3/0: Manufacturer=Tern; Model Number=cli-model; Serial Number=42");
            Response deleted = device.client().call(Request.delete(uri + "/"
                    + String.join("/", created.options().locationPath())).build());
            assertThat(deleted.code()).isEqualTo(Code.DELETED);
            await().atMost(Duration.ofSeconds(20)).until(() -> output.out().contains("deregistered cli-device"));
        } finally {
            command.stop();
        }
        assertThat(status).succeedsWithin(Duration.ofSeconds(20)).isEqualTo(ExitCodes.OK);
    }
}
