package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tern.coap.CoapServer;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.tcp.WebSocketTransports;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A browser speaks CoAP over WebSockets (RFC 8323 §4) to Tern: headless Chromium loads a page
 * that opens {@code new WebSocket("ws://127.0.0.1:PORT/.well-known/coap", "coap")}, sends a CSM,
 * a GET and an Observe registration as binary frames built in JavaScript, and writes what comes
 * back into the page, which the test reads. Skipped without {@code chromium} and
 * {@code chromedriver} unless {@code TERN_INTEROP_REQUIRED=1}.
 */
@Timeout(120)
class BrowserWebSocketInteropTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static WebDriver driver;

    /** The page: frames without a length field, Len nibble 0 (§4.2); one line per message received. */
    private static final String PAGE = """
            <!doctype html><html><body><pre id="log"></pre><script>
            const log = document.getElementById('log');
            const out = s => { log.textContent += s + '\\n'; };
            const enc = s => Array.from(new TextEncoder().encode(s));
            function parse(b) {
              const tkl = b[0] & 0x0f, code = b[1];
              const token = Array.from(b.slice(2, 2 + tkl)).map(x => x.toString(16).padStart(2, '0')).join('');
              let i = 2 + tkl, opt = 0, observe = null;
              while (i < b.length && b[i] !== 0xff) {
                let d = b[i] >> 4, l = b[i] & 0x0f; i++;
                if (d === 13) { d = b[i] + 13; i++; } else if (d === 14) { d = (b[i] << 8 | b[i + 1]) + 269; i += 2; }
                if (l === 13) { l = b[i] + 13; i++; } else if (l === 14) { l = (b[i] << 8 | b[i + 1]) + 269; i += 2; }
                opt += d;
                if (opt === 6) { observe = 0; for (let k = 0; k < l; k++) observe = observe * 256 + b[i + k]; }
                i += l;
              }
              const payload = i < b.length ? new TextDecoder().decode(b.slice(i + 1)) : '';
              return 'code=' + (code >> 5) + '.' + String(code & 0x1f).padStart(2, '0') + ' token=' + token
                  + (observe === null ? '' : ' observe') + ' payload=' + payload;
            }
            const ws = new WebSocket('ws://127.0.0.1:PORT/.well-known/coap', 'coap');
            ws.binaryType = 'arraybuffer';
            ws.onopen = () => {
              out('open protocol=' + ws.protocol);
              ws.send(new Uint8Array([0x00, 0xe1]));                                   // 7.01 CSM
              ws.send(new Uint8Array([0x01, 0x01, 0x01, 0xb5].concat(enc('hello'))));  // GET /hello, token 01
              ws.send(new Uint8Array([0x01, 0x01, 0x02, 0x60, 0x57].concat(enc('counter')))); // Observe: 0
            };
            ws.onmessage = e => out(parse(new Uint8Array(e.data)));
            ws.onclose = e => out('closed ' + e.code);
            </script></body></html>
            """;

    @BeforeAll
    static void browser() {
        Peers.requirePeer(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromedriver (Debian: chromium, chromium-driver) not found");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void quit() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void browserGetsAndObservesOverWebSocket() throws IOException {
        ObservableResource counter = ObservableResource.create();
        AtomicInteger count = new AtomicInteger();
        Router router = Router.builder()
                .get("/hello", req -> Response.content("Hello browser"))
                .get("/counter", counter.handler(req -> Response.content("n=" + count.get())))
                .build();
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .listener(WebSocketTransports.builder().bind(InetAddress.getLoopbackAddress()).port(0).buildServer())
                .build().start()) {
            byte[] page = PAGE.replace("PORT", Integer.toString(server.localAddress("coap+ws").getPort()))
                    .getBytes(StandardCharsets.UTF_8);
            // served from loopback too: a page from elsewhere may not open loopback sockets (local network access)
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
            http.createContext("/", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, page.length);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(page);
                }
            });
            http.start();
            try {
                driver.get("http://127.0.0.1:" + http.getAddress().getPort() + "/");
                waitFor("token=02 observe payload=n=0");
                count.set(1);
                counter.changed();
                waitFor("payload=n=1");
            } finally {
                http.stop(0);
            }
            String log = text(driver);
            assertThat(log).contains("open protocol=coap", "code=7.01 token=",
                    "code=2.05 token=01 payload=Hello browser", "code=2.05 token=02 observe payload=n=1");
        }
    }

    private static void waitFor(String line) {
        try {
            new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> text(d).contains(line));
        } catch (TimeoutException e) {
            throw new AssertionError("no '" + line + "' in the page:\n" + text(driver), e);
        }
    }

    private static String text(WebDriver d) {
        return d.findElement(By.id("log")).getText();
    }
}
