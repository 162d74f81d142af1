package dev.tern.coap.proxy;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.Method;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;

/**
 * CoAP-to-HTTP proxying (RFC 7252 §10.1; RFC 8075 covers the other direction): a request whose
 * Proxy-Uri is {@code http://} or {@code https://} (or whose Proxy-Scheme is http or https) goes to
 * that URI with the JDK's HTTP client, only to targets on the allow-list, never following a
 * redirect; the HTTP response comes back as a CoAP response (status §10.1, media type as Content-Format,
 * {@code Cache-Control: max-age} as Max-Age, ETag). Bodies beyond {@code maxBody} are refused with 5.02.
 */
final class HttpUpstream {
    private final HttpClient client;
    private final UpstreamAllowList allowList;
    private final Duration timeout;
    private final int maxBody;
    private final Semaphore inFlight;

    HttpUpstream(HttpClient client, UpstreamAllowList allowList, Duration timeout, int maxBody, int maxInFlight) {
        this.client = client;
        this.allowList = allowList;
        this.timeout = timeout;
        this.maxBody = maxBody;
        this.inFlight = new Semaphore(maxInFlight);
    }

    /** The HTTP target of a forward-proxy request, when it names http or https; empty otherwise. */
    static Optional<String> target(Request request) {
        Options o = request.options();
        Optional<String> proxyUri = o.proxyUri();
        if (proxyUri.isPresent()) {
            String lower = proxyUri.get().toLowerCase(Locale.ROOT);
            return lower.startsWith("http://") || lower.startsWith("https://") ? proxyUri : Optional.empty();
        }
        String scheme = o.proxyScheme().orElse("").toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || o.uriHost().isEmpty()) {
            return Optional.empty();
        }
        String host = o.uriHost().get();
        StringBuilder s = new StringBuilder(scheme).append("://").append(host.indexOf(':') >= 0 ? "[" + host + "]" : host);
        o.uriPort().ifPresent(p -> s.append(':').append(p));
        s.append('/').append(String.join("/", o.uriPath().stream().map(HttpUpstream::encode).toList()));
        if (!o.uriQuery().isEmpty()) {
            s.append('?').append(String.join("&", o.uriQuery().stream().map(q -> encode(q).replace("%3D", "=")).toList()));
        }
        return Optional.of(s.toString());
    }

    /** Sends {@code request} to the HTTP URI {@code target}; never fails (errors are 4.xx/5.xx responses). */
    CompletableFuture<Response> forward(Request request, String target) {
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException e) {
            return done(Response.of(Code.BAD_REQUEST, "malformed Proxy-Uri: " + e.getReason()));
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return done(Response.of(Code.BAD_REQUEST, "an http(s) target needs a host, and no user info or fragment"));
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        try {
            InetAddress address = InetAddress.getByName(host);
            if (!allowList.admits(host, address, port)) {
                return done(Response.of(Code.FORBIDDEN, "upstream " + host + ":" + port + " is not on this proxy's allow-list"));
            }
        } catch (UnknownHostException e) {
            return done(Response.of(Code.BAD_GATEWAY, "cannot resolve " + host));
        }
        String method = httpMethod(request.method());
        if (method == null) {
            return done(Response.of(Code.METHOD_NOT_ALLOWED, "no HTTP method for " + request.method()));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
        Bytes payload = request.payload();
        b.method(method, payload.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(payload.toArray()));
        request.contentFormat().ifPresent(cf -> b.header("Content-Type", HttpMapping.contentType(cf)));
        request.options().accept().ifPresent(cf -> b.header("Accept", HttpMapping.contentType(cf)));
        List<Bytes> ifMatch = request.options().ifMatch();
        if (!ifMatch.isEmpty()) {
            b.header("If-Match", String.join(", ", ifMatch.stream().map(HttpMapping::etag).toList()));
        }
        if (request.options().ifNoneMatch()) {
            b.header("If-None-Match", "*");
        }
        if (!inFlight.tryAcquire()) {
            return done(Response.builder(Code.SERVICE_UNAVAILABLE).maxAge(2)
                    .payload("too many requests in flight at this proxy").build());
        }
        CompletableFuture<HttpResponse<byte[]>> sent;
        try {
            sent = client.sendAsync(b.build(), info -> LimitedBody.subscriber(maxBody));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((r, failure) -> {
            inFlight.release();
            if (failure == null) {
                return toCoap(r, request.method());
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof HttpTimeoutException && !(cause instanceof HttpConnectTimeoutException)) {
                return Response.of(Code.GATEWAY_TIMEOUT, "upstream did not answer in time");
            }
            if (cause instanceof LimitedBody.TooLarge) {
                return Response.of(Code.BAD_GATEWAY, "upstream body larger than " + maxBody + " bytes");
            }
            return Response.of(Code.BAD_GATEWAY, "upstream failed: " + cause.getClass().getSimpleName());
        });
    }

    /** The CoAP response for an HTTP response (RFC 7252 §10.1.1, §10.1.2). */
    static Response toCoap(HttpResponse<byte[]> r, Method method) {
        Code code = code(r.statusCode(), method);
        Response.Builder b = Response.builder(code);
        byte[] body = r.body() == null ? new byte[0] : r.body();
        if (body.length > 0 && code.codeClass() == 2) {
            b.payload(body);
            b.contentFormat(HttpMapping.contentFormat(r.headers().firstValue("Content-Type")
                    .orElse("application/octet-stream")));
        } else if (body.length > 0) {
            b.payload(new String(body, 0, Math.min(body.length, 128), StandardCharsets.UTF_8)); // diagnostic (§5.5.2)
        }
        r.headers().firstValue("ETag").ifPresent(tag -> b.etag(etag(tag)));
        if (code.equals(Code.CONTENT) || code.equals(Code.VALID)) {
            b.maxAge(maxAge(r.headers().firstValue("Cache-Control").orElse("")));
        }
        return b.build();
    }

    /** The CoAP code of an HTTP status (RFC 7252 §10.1.2); 3xx redirects are not followed: 5.02. */
    static Code code(int status, Method method) {
        switch (status) {
            case 200:
                return method == Method.GET || method == Method.FETCH ? Code.CONTENT
                        : method == Method.DELETE ? Code.DELETED : Code.CHANGED;
            case 201:
                return Code.CREATED;
            case 204:
                return method == Method.DELETE ? Code.DELETED : Code.CHANGED;
            case 304:
                return Code.VALID;
            case 401:
                return Code.UNAUTHORIZED;
            case 403:
                return Code.FORBIDDEN;
            case 404:
            case 410:
                return Code.NOT_FOUND;
            case 405:
                return Code.METHOD_NOT_ALLOWED;
            case 406:
                return Code.NOT_ACCEPTABLE;
            case 409:
                return Code.CONFLICT;
            case 412:
                return Code.PRECONDITION_FAILED;
            case 413:
                return Code.REQUEST_ENTITY_TOO_LARGE;
            case 415:
                return Code.UNSUPPORTED_CONTENT_FORMAT;
            case 422:
                return Code.UNPROCESSABLE_ENTITY;
            case 429:
                return Code.TOO_MANY_REQUESTS;
            case 501:
                return Code.NOT_IMPLEMENTED;
            case 503:
                return Code.SERVICE_UNAVAILABLE;
            case 504:
                return Code.GATEWAY_TIMEOUT;
            default:
                if (status >= 200 && status < 300) {
                    return Code.CONTENT;
                }
                if (status >= 400 && status < 500) {
                    return Code.BAD_REQUEST;
                }
                if (status == 500) {
                    return Code.INTERNAL_SERVER_ERROR;
                }
                return Code.BAD_GATEWAY; // 3xx (redirects are not followed), other 5xx
        }
    }

    /** The Max-Age of a Cache-Control header: its max-age, else 0 (RFC 7252 §10.1.1: not fresh). */
    static long maxAge(String cacheControl) {
        for (String d : cacheControl.toLowerCase(Locale.ROOT).split(",")) {
            String t = d.trim();
            if (t.equals("no-store") || t.equals("no-cache")) {
                return 0;
            }
            if (t.startsWith("max-age=")) {
                try {
                    return Math.max(0, Math.min(0xFFFFFFFFL, Long.parseLong(t.substring(8).trim())));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** A CoAP ETag (1 to 8 bytes, RFC 7252 §5.10.6) for an HTTP entity tag: its value if short, else a digest. */
    static Bytes etag(String entityTag) {
        List<Bytes> ours = HttpMapping.etags(entityTag);
        if (ours.size() == 1) {
            return ours.get(0);
        }
        byte[] raw = entityTag.getBytes(StandardCharsets.UTF_8);
        if (raw.length >= 1 && raw.length <= 8) {
            return Bytes.wrap(raw);
        }
        try {
            return Bytes.wrap(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(raw), 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    private static String httpMethod(Method m) {
        if (m == Method.GET || m == Method.POST || m == Method.PUT || m == Method.DELETE || m == Method.PATCH) {
            return m.toString();
        }
        return null;
    }

    private static String encode(String segment) {
        return java.net.URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static CompletableFuture<Response> done(Response r) {
        return CompletableFuture.completedFuture(r);
    }
}
