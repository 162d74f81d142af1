package dev.tern.coap.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks a web page in the user's browser can make on a gateway that serves the console
 * (FAULTS C1, C2): requests from another site (cross-site request forgery: a no-cors POST to a
 * device, an event stream opened from elsewhere) and DNS rebinding (an attacker's name resolving
 * to the gateway, so the browser sends that name as Host). What a browser sends is reproduced
 * here byte for byte: its Origin and Sec-Fetch-Site headers and its Host.
 */
class BrowserGuardTest {
    private final Loopback.Origin origin = new Loopback.Origin();
    private final CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1").upstreamTimeout(Duration.ofSeconds(3)).build();
    private HttpGateway gateway = HttpGateway.builder(proxy).build().start();

    @AfterEach
    void stop() {
        gateway.close();
        proxy.close();
        origin.close();
    }

    private String request(String method, String target, String host, String... headers) throws IOException {
        StringBuilder r = new StringBuilder(method).append(" /hc/").append(target).append(" HTTP/1.1\r\nHost: ")
                .append(host).append("\r\nConnection: close\r\n");
        for (String h : headers) {
            r.append(h).append("\r\n");
        }
        if (method.equals("POST")) {
            r.append("Content-Type: text/plain\r\nContent-Length: 2\r\n\r\non");
        } else {
            r.append("\r\n");
        }
        return RawHttp.exchange(gateway.port(), r.toString());
    }

    private String self() {
        return "127.0.0.1:" + gateway.port();
    }

    /** C1: a page on another site (or another port of localhost) posting to a device through the gateway. */
    @Test
    void c1_crossSiteRequestsAreRefused() throws IOException {
        String counter = origin.uri("/counter");
        // fetch(url, {method: 'POST', mode: 'no-cors'}) from http://evil.example/
        assertThat(request("POST", counter, self(), "Origin: http://evil.example", "Sec-Fetch-Site: cross-site",
                "Sec-Fetch-Mode: no-cors")).startsWith("HTTP/1.1 403");
        // the same from another web app on this machine: same-site, another origin
        assertThat(request("POST", counter, self(), "Origin: http://127.0.0.1:3000", "Sec-Fetch-Site: same-site"))
                .startsWith("HTTP/1.1 403");
        // a sandboxed frame or a data: page: Origin null
        assertThat(request("POST", counter, self(), "Origin: null")).startsWith("HTTP/1.1 403");
        // a cross-site GET (an <img> or a no-cors fetch) carries no Origin, only Sec-Fetch-Site
        assertThat(request("GET", counter, self(), "Sec-Fetch-Site: cross-site", "Sec-Fetch-Dest: image"))
                .startsWith("HTTP/1.1 403");
        // an EventSource opened from elsewhere would register an observation upstream
        assertThat(request("GET", origin.uri("/obs"), self(), "Accept: text/event-stream",
                "Origin: http://evil.example", "Sec-Fetch-Site: cross-site")).startsWith("HTTP/1.1 403");
        assertThat(origin.requests).isEmpty();
        assertThat(origin.observable.observerCount()).isZero();

        // the console itself (same origin), a typed address (none) and non-browser clients are served
        assertThat(request("POST", counter, self(), "Origin: http://" + self(), "Sec-Fetch-Site: same-origin"))
                .startsWith("HTTP/1.1 204");
        assertThat(request("GET", origin.uri("/hello"), self(), "Sec-Fetch-Site: none")).startsWith("HTTP/1.1 200");
        assertThat(request("GET", origin.uri("/hello?curl"), "gw")).startsWith("HTTP/1.1 200");
        assertThat(origin.requests).hasSize(3);
    }

    /** C2: DNS rebinding: a page from http://rebind.example:PORT/ whose name now resolves to the gateway. */
    @Test
    void c2_dnsRebindingHostNamesAreRefused() throws IOException {
        String rebound = "rebind.example:" + gateway.port();
        assertThat(request("GET", origin.uri("/hello"), rebound, "Sec-Fetch-Site: same-origin"))
                .startsWith("HTTP/1.1 421");
        assertThat(request("POST", origin.uri("/counter"), rebound, "Origin: http://" + rebound,
                "Sec-Fetch-Site: same-origin")).startsWith("HTTP/1.1 421");
        assertThat(RawHttp.exchange(gateway.port(), "GET / HTTP/1.1\r\nHost: " + rebound
                + "\r\nSec-Fetch-Site: none\r\n\r\n")).startsWith("HTTP/1.1 421");
        assertThat(origin.requests).isEmpty();

        // IP literals, localhost and the configured names are served
        assertThat(request("GET", origin.uri("/hello"), "localhost:" + gateway.port(), "Sec-Fetch-Site: same-origin"))
                .startsWith("HTTP/1.1 200");
        assertThat(request("GET", origin.uri("/hello"), "[::1]:" + gateway.port(), "Sec-Fetch-Site: same-origin"))
                .startsWith("HTTP/1.1 200");
        gateway.close();
        gateway = HttpGateway.builder(proxy).hostNames("gw.example").build().start();
        assertThat(request("GET", origin.uri("/hello"), "GW.example:" + gateway.port(), "Sec-Fetch-Site: same-origin"))
                .startsWith("HTTP/1.1 200");
        assertThat(request("GET", origin.uri("/hello"), "rebind.example:" + gateway.port(), "Sec-Fetch-Site: same-origin"))
                .startsWith("HTTP/1.1 421");
    }
}
