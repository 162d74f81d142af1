package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapServer;
import dev.tern.coap.cli.DemoResources;
import dev.tern.coap.proxy.CoapProxy;
import dev.tern.coap.proxy.HttpGateway;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The browser console (Copper's successor, issue 13) in headless Chromium: a Tern server with the
 * demo resources of {@code tern serve}, the HTTP-CoAP gateway (RFC 8075) serving the console at
 * {@code /}, and Selenium driving the system's chromedriver. GET /hello, discovery of
 * /.well-known/core (RFC 6690), Observe (RFC 7641) of /counter with values in the list and the
 * plot; the last state is saved as {@code target/console.png}. Skipped when chromium or
 * chromedriver is missing unless {@code TERN_INTEROP_REQUIRED=1} (Debian packages chromium and
 * chromium-driver).
 */
@Timeout(120)
class ConsoleBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private CoapServer server;
    private CoapProxy proxy;
    private HttpGateway gateway;
    private WebDriver browser;

    @BeforeEach
    void start() {
        Optional<Path> chromium = Peers.onPath("chromium");
        Optional<Path> driver = Optional.of(Path.of("/usr/bin/chromedriver")).filter(Files::isExecutable)
                .or(() -> Peers.onPath("chromedriver"));
        Peers.requirePeer(chromium.isPresent() && driver.isPresent(),
                "chromium and chromedriver (Debian packages chromium, chromium-driver) are not installed");
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(DemoResources.router())
                .listener(dev.tern.coap.tcp.TcpTransports.builder().port(0)
                        .bind(java.net.InetAddress.getLoopbackAddress()).buildServer())
                .build().start();
        proxy = CoapProxy.builder().allow("127.0.0.1").upstreamTransport(dev.tern.coap.tcp.TcpTransports.client()).build();
        gateway = HttpGateway.builder(proxy).build().start();
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.get().toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1100", "--no-first-run", "--disable-extensions");
        options.setCapability("goog:loggingPrefs", java.util.Map.of(LogType.BROWSER, "ALL"));
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private String coap(String path) {
        return "coap://127.0.0.1:" + server.port() + path;
    }

    private WebElement id(String id) {
        return browser.findElement(By.id(id));
    }

    private void waitFor(String what, java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser, WAIT).withMessage(() -> what + "; status: " + id("status").getText())
                .until(condition::apply);
    }

    private void send(String method, String uri) {
        new Select(id("method")).selectByVisibleText(method);
        id("uri").clear();
        id("uri").sendKeys(uri);
        id("send").click();
    }

    /**
     * FAULTS C1 in a real browser: a page from another origin (another port of 127.0.0.1: same
     * site, other origin) posts to /counter through the gateway with a no-cors fetch, as a
     * malicious page could; the counter stays 0 (before the BrowserGuard it became 1).
     */
    @Test
    void aPageFromAnotherOriginCannotDriveDevices() throws Exception {
        String target = java.net.URLEncoder.encode(coap("/counter"), java.nio.charset.StandardCharsets.UTF_8);
        String gatewayUrl = "http://127.0.0.1:" + gateway.port() + "/hc/?target_uri=" + target;
        byte[] page = ("<!doctype html><title>attacker</title><script>"
                + "fetch('" + gatewayUrl + "', {method: 'POST', mode: 'no-cors', body: 'x'})"
                + ".finally(() => { document.title = 'sent'; });</script>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        com.sun.net.httpserver.HttpServer attacker = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        attacker.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        attacker.start();
        try (dev.tern.coap.CoapClient client = dev.tern.coap.CoapClient.create()) {
            browser.get("http://127.0.0.1:" + attacker.getAddress().getPort() + "/");
            new WebDriverWait(browser, WAIT).until(b -> "sent".equals(b.getTitle()));
            dev.tern.coap.Response count = client.send(dev.tern.coap.Request.get(coap("/counter")).build())
                    .get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(count.payloadString()).as("the forged POST reached the device").isEqualTo("0");
        } finally {
            attacker.stop(0);
        }
    }

    /**
     * FAULTS C3: a device answering markup (an HTML payload, a link-format title and target with
     * an onerror handler, a JSON string) tries to run script in the console; everything is shown
     * as text and nothing runs.
     */
    @Test
    void markupFromADeviceIsShownAsTextNeverRun() {
        String xss = "<img src=x onerror=\"document.title='pwned'\">";
        try (CoapServer evil = CoapServer.builder().port(0).bind("127.0.0.1").service(dev.tern.coap.Router.builder()
                .get("/html", r -> dev.tern.coap.Response.content(xss))
                .get("/links", r -> dev.tern.coap.Response.content(dev.tern.coap.Bytes.utf8(
                        "</a" + xss.replace("\"", "") + ">;title=\"" + xss.replace("\"", "'") + "\";rt=\"<b>x</b>\""), 40))
                .get("/json", r -> dev.tern.coap.Response.content(dev.tern.coap.Bytes.utf8("{\"k\": \"" + xss.replace("\"", "\\\"")
                        + "\"}"), 50))
                .build()).build().start()) {
            browser.get("http://127.0.0.1:" + gateway.port() + "/");
            String base = "coap://127.0.0.1:" + evil.port();
            send("GET", base + "/html");
            waitFor("the HTML payload as text", b -> id("pretty").getText().equals(xss));
            send("GET", base + "/links");
            waitFor("the link tree", b -> !b.findElements(By.cssSelector("#linktree a.link")).isEmpty());
            assertThat(id("linktree").getText()).contains("onerror");
            send("GET", base + "/json");
            waitFor("the JSON", b -> id("pretty").getText().contains("onerror"));
            assertThat(browser.findElements(By.cssSelector("main img"))).isEmpty();
            assertThat(browser.getTitle()).isEqualTo("Tern console");
        }
    }

    /**
     * A 40 000-byte resource comes block-wise (RFC 7959, 1024-byte blocks by default): the gateway
     * reassembles it and the console shows the bytes received of the Content-Length and the JSON.
     */
    @Test
    void aBlockwiseDownloadShowsItsProgress() {
        StringBuilder json = new StringBuilder("[");
        while (json.length() < 39_990) {
            json.append(json.length() == 1 ? "" : ",").append("12345");
        }
        String body = json.append(']').toString();
        try (CoapServer large = CoapServer.builder().port(0).bind("127.0.0.1").service(dev.tern.coap.Router.builder()
                .get("/large", r -> dev.tern.coap.Response.content(dev.tern.coap.Bytes.utf8(body), 50)).build())
                .build().start()) {
            browser.get("http://127.0.0.1:" + gateway.port() + "/");
            send("GET", "coap://127.0.0.1:" + large.port() + "/large");
            String all = body.length() + " of " + body.length() + " bytes received";
            waitFor("the whole body", b -> id("progress-text").getText().equals(all));
            assertThat(id("status").getText()).startsWith("2.05 Content");
            assertThat(id("progress").getAttribute("value")).isEqualTo(Integer.toString(body.length()));
            assertThat(id("payload-kind").getText()).contains("shown as json");
            assertThat(id("pretty").getText()).startsWith("[\n  12345,\n  12345,");
        }
    }

    /**
     * The console's decoders in the browser itself (dynamic import of its modules): CBOR
     * diagnostic notation (RFC 8949 §8) for the examples of RFC 8949 Appendix A, and hostile CBOR
     * (FAULTS C4: a length claim of 2^64-1, 100 000 nested arrays, a lone break) gives an error,
     * not a hang or an allocation; link-format (RFC 6690) with quoted commas.
     */
    @Test
    void decodersInTheBrowser() {
        browser.get("http://127.0.0.1:" + gateway.port() + "/");
        Object result = ((org.openqa.selenium.JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "Promise.all([import('/cbor.js'), import('/formats.js')]).then(([c, f]) => {"
                + "  const h = (s) => Uint8Array.from(s.match(/../g), (x) => parseInt(x, 16));"
                + "  const out = {};"
                + "  for (const x of arguments[0]) out[x] = c.diagnostic(h(x));"
                + "  for (const x of arguments[1]) { try { out[x] = 'no error: ' + c.diagnostic(h(x)); }"
                + "    catch (e) { out[x] = 'error'; } }"
                + "  try { c.diagnostic(h('81'.repeat(100000) + '00')); out.deep = 'no error'; } catch (e) { out.deep = 'error'; }"
                + "  out.links = JSON.stringify(f.parseLinks('</s/t>;title=\"a, b\";obs,</h>;ct=0'));"
                + "  done(out);"
                + "}, (e) => done({failed: String(e)}));",
                List.of("1b000000e8d4a51000", "3bffffffffffffffff", "f97c00", "fb3ff199999999999a", "c074323031332d30332d32315432303a30343a30305a",
                        "5f42010243030405ff", "bf61610161629f0203ffff", "a201020304"),
                List.of("5bffffffffffffffff", "9bffffffffffffffff", "ff", "1c", "62c3"));
        assertThat(result).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("1b000000e8d4a51000", "1000000000000")
                .containsEntry("3bffffffffffffffff", "-18446744073709551616")
                .containsEntry("f97c00", "Infinity")
                .containsEntry("fb3ff199999999999a", "1.1")
                .containsEntry("c074323031332d30332d32315432303a30343a30305a", "0(\"2013-03-21T20:04:00Z\")")
                .containsEntry("5f42010243030405ff", "(_ h'0102', h'030405')")
                .containsEntry("bf61610161629f0203ffff", "{_ \"a\": 1, \"b\": [_ 2, 3]}")
                .containsEntry("a201020304", "{1: 2, 3: 4}")
                .containsEntry("5bffffffffffffffff", "error").containsEntry("9bffffffffffffffff", "error")
                .containsEntry("ff", "error").containsEntry("1c", "error").containsEntry("62c3", "error")
                .containsEntry("deep", "error")
                .containsEntry("links", "[{\"target\":\"/s/t\",\"attrs\":[[\"title\",\"a, b\"],[\"obs\",null]]},"
                        + "{\"target\":\"/h\",\"attrs\":[[\"ct\",\"0\"]]}]");
    }

    /** The console reaches a coap+tcp device through the gateway (RFC 8323 behind RFC 8075). */
    @Test
    void aCoapTcpTargetFromTheBrowser() {
        browser.get("http://127.0.0.1:" + gateway.port() + "/");
        send("GET", "coap+tcp://127.0.0.1:" + server.localAddress("coap+tcp").getPort() + "/hello");
        waitFor("Hello World! with 2.05 over coap+tcp", b -> id("pretty").getText().equals("Hello World!")
                && id("status").getText().startsWith("2.05 Content"));
    }

    @Test
    void getDiscoverObserveInHeadlessChromium() throws Exception {
        browser.get("http://127.0.0.1:" + gateway.port() + "/");
        assertThat(browser.getTitle()).isEqualTo("Tern console");

        send("GET", coap("/hello"));
        waitFor("Hello World! with 2.05", b -> id("pretty").getText().equals("Hello World!")
                && id("status").getText().startsWith("2.05 Content"));
        assertThat(id("options").getText()).contains("Content-Format").contains("0");
        assertThat(id("progress-text").getText()).isEqualTo("12 of 12 bytes received");

        id("discover").click();
        waitFor("the demo resources listed", b -> b.findElements(By.cssSelector("#discovery a.link")).size() >= 5);
        List<String> names = browser.findElements(By.cssSelector("#discovery a.link")).stream()
                .map(WebElement::getText).toList();
        assertThat(names).contains("hello", "time", "counter", "echo", "whoami");
        assertThat(id("discovery").getText()).contains("obs").contains("title=Hello World");
        browser.findElements(By.cssSelector("#discovery a.link")).stream()
                .filter(a -> a.getText().equals("counter")).findFirst().orElseThrow().click();
        assertThat(id("uri").getAttribute("value")).isEqualTo(coap("/counter"));

        id("observe").click();
        waitFor("the observation registered", b -> id("observe-state").getText().startsWith("observing")
                && !b.findElements(By.cssSelector("#notifications li")).isEmpty());
        for (int i = 1; i <= 3; i++) {
            send("POST", coap("/counter"));
            String count = Integer.toString(i);
            waitFor("2.04 from POST " + i, b -> id("status").getText().startsWith("2.04 Changed")
                    && id("pretty").getText().equals(count));
        }
        waitFor("four notifications and four points", b -> b.findElements(By.cssSelector("#notifications li")).size() >= 4
                && b.findElements(By.cssSelector("#plot circle.point")).size() >= 4);
        assertThat(id("notifications").findElements(By.tagName("li")).get(0).getText()).endsWith(" 3");
        File shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path png = Path.of("target", "console.png");
        Files.createDirectories(png.getParent());
        Files.copy(shot.toPath(), png, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(png)).isGreaterThan(1000);

        List<String> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(LogEntry::getMessage).toList();
        assertThat(severe).as("script errors or Content-Security-Policy violations").isEmpty();

        id("observe").click();
        waitFor("the stream closed", b -> id("observe-state").getText().equals("not observing"));
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> gateway.eventStreams() == 0);
    }
}
