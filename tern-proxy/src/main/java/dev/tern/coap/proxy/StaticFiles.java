package dev.tern.coap.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The browser console's static files, read from the class path under
 * {@code dev/tern/coap/proxy/console/} (shipped in the jar): {@code /} is {@code index.html}. Only
 * plain names (letters, digits, {@code . _ -}) in sub-directories are served, never a dot-segment.
 */
final class StaticFiles {
    /** A file: its bytes and its media type. */
    record File(byte[] content, String contentType) {
    }

    private static final int MAX_FILE_BYTES = 8 * 1024 * 1024;
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("wasm", "application/wasm"));

    /**
     * The console talks to its own origin only: scripts, styles and connections from the gateway
     * itself (the HTTP-CoAP mapping and its event streams), no inline script, no framing, no
     * referrer. What the console can reach is what the gateway's allow-list lets through.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** Adds the console's security headers: the {@link #CONTENT_SECURITY_POLICY}, no framing, no referrer. */
    static void secure(io.netty.handler.codec.http.HttpHeaders h) {
        h.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
    }

    /** The file for the HTTP path {@code path} (without query), or empty. */
    Optional<File> find(String path) {
        String p = path.equals("/") || path.isEmpty() ? "index.html" : path.substring(1);
        if (p.endsWith("/")) {
            p = p + "index.html";
        }
        if (p.length() > 200) {
            return Optional.empty();
        }
        for (String segment : p.split("/", -1)) {
            if (segment.isEmpty() || segment.startsWith(".")
                    || !segment.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 0x80
                    || c == '.' || c == '_' || c == '-')) {
                return Optional.empty();
            }
        }
        int dot = p.lastIndexOf('.');
        String type = TYPES.get(dot < 0 ? "" : p.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = StaticFiles.class.getResourceAsStream("console/" + p)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] content = in.readNBytes(MAX_FILE_BYTES);
            return Optional.of(new File(content, type));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
