package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapServer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The {@code tern} command against a real {@link CoapServer} over UDP on the loopback interface.
 */
class CliEndToEndTest {
    private static CoapServer demo;
    private static CoapServer plugtest;
    private static DatagramSocket silent;

    @BeforeAll
    static void start() throws Exception {
        demo = CoapServer.builder().port(0).bind("127.0.0.1").service(DemoResources.router()).build().start();
        plugtest = CoapServer.builder().port(0).bind("127.0.0.1").service(PlugtestResources.router()).build().start();
        silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
        }
        if (plugtest != null) {
            plugtest.close();
        }
        if (silent != null) {
            silent.close();
        }
    }

    private static String demo(String path) {
        return "coap://127.0.0.1:" + demo.port() + path;
    }

    private static String plugtest(String path) {
        return "coap://127.0.0.1:" + plugtest.port() + path;
    }

    @Test
    void getHello() {
        Captured c = new Captured(false);
        assertThat(c.run("get", demo("/hello"))).isZero();
        assertThat(c.out()).isEqualTo("Hello World!");
        assertThat(c.err()).isEmpty();
    }

    @Test
    void getHelloNon() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "-N", demo("/hello"))).isZero();
        assertThat(c.out()).isEqualTo("Hello World!");
    }

    @Test
    void notFoundExits4() {
        Captured c = new Captured(false);
        assertThat(c.run("get", demo("/nope"))).isEqualTo(4);
        assertThat(c.out()).isEmpty();
        assertThat(c.err()).contains("4.04 Not Found");
    }

    @Test
    void methodNotAllowedExits4() {
        Captured c = new Captured(false);
        assertThat(c.run("delete", demo("/hello"))).isEqualTo(4);
        assertThat(c.err()).contains("4.05");
    }

    @Test
    void postEchoesPayload() {
        Captured c = new Captured(false);
        assertThat(c.run("post", "-t", "json", demo("/echo"), "{\"on\":true}")).isZero();
        assertThat(c.out()).isEqualTo("{\"on\":true}");
    }

    @Test
    void jsonFormat() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "--format", "json", demo("/hello"))).isZero();
        assertThat(c.out()).startsWith("{\"code\":\"2.05\",\"reason\":\"Content\",")
                .contains("\"payload\":\"Hello World!\"");
    }

    @Test
    void verboseTracesOnStderr() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "-v", demo("/hello"))).isZero();
        assertThat(c.out()).isEqualTo("Hello World!");
        assertThat(c.err()).contains("> ").contains("< ").contains("2.05 Content");
    }

    @Test
    void silentPortTimesOutWith3() {
        Captured c = new Captured(false);
        long start = System.nanoTime();
        assertThat(c.run("get", "-B", "1", "coap://127.0.0.1:" + silent.getLocalPort() + "/x")).isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        assertThat(c.err()).contains("no response from coap://127.0.0.1:" + silent.getLocalPort())
                .contains("within 1 s (timeout)");
    }

    @Test
    void ping() {
        Captured c = new Captured(false);
        assertThat(c.run("ping", "-B", "5", demo("/"))).isZero();
        assertThat(c.out()).startsWith("pong from 127.0.0.1:" + demo.port() + " in ").contains(" ms");
    }

    @Test
    void pingSilentPortTimesOut() {
        Captured c = new Captured(false);
        assertThat(c.run("ping", "-B", "1", "coap://127.0.0.1:" + silent.getLocalPort())).isEqualTo(3);
        assertThat(c.err()).contains("(timeout)");
    }

    @Test
    void separateResponse() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "-B", "10", plugtest("/separate"))).isZero();
        assertThat(c.out()).contains("Separate response");
    }

    @Test
    void plugtestLocationQuery() {
        Captured c = new Captured(false);
        assertThat(c.run("post", "--format", "json", plugtest("/location-query"))).isZero();
        assertThat(c.out()).contains("\"code\":\"2.01\"").contains("\"value\":\"first=1\"").contains("\"value\":\"second=2\"");
    }

    @Test
    void serveCommandServesAndStops() throws Exception {
        Captured c = new Captured(false);
        CommandLine cl = Main.commandLine(c.io);
        ServeCommand serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(
                () -> cl.execute("serve", "--port", "0", "--bind", "127.0.0.1"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> serve.address() != null);
        int port = serve.address().getPort();
        assertThat(c.err()).startsWith("tern: serving coap://127.0.0.1:" + port + "/ (hello, time, echo, counter, whoami)");
        Captured get = new Captured(false);
        assertThat(get.run("get", "-B", "5", "coap://127.0.0.1:" + port + "/hello")).isZero();
        assertThat(get.out()).isEqualTo("Hello World!");
        serve.stop();
        assertThat(status.get(5, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void serveWithTwoIoThreads() throws Exception {
        Captured c = new Captured(false);
        CommandLine cl = Main.commandLine(c.io);
        ServeCommand serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(
                () -> cl.execute("serve", "--io-threads", "2", "--port", "0", "--bind", "127.0.0.1"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> serve.address() != null);
        int port = serve.address().getPort();
        for (int i = 0; i < 4; i++) {
            Captured get = new Captured(false);
            assertThat(get.run("get", "-B", "5", "coap://127.0.0.1:" + port + "/hello")).isZero();
            assertThat(get.out()).isEqualTo("Hello World!");
        }
        serve.stop();
        assertThat(status.get(5, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void plugtestCreateWithIfNoneMatch() {
        Captured c = new Captured(false);
        assertThat(c.run("put", "-O", "5", plugtest("/create1"), "x")).isZero();
        Captured again = new Captured(false);
        assertThat(again.run("put", "-O", "If-None-Match", plugtest("/create1"), "y")).isEqualTo(4);
        assertThat(again.err()).contains("4.12");
    }
}
