package dev.tern.coap.proxy;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapUri;
import dev.tern.coap.Code;
import dev.tern.coap.Method;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP connection of the {@link HttpGateway}: maps each request under {@code /hc} to CoAP
 * (RFC 8075 §4-§7) and the response back, hands {@code Accept: text/event-stream} GETs to
 * {@link EventStream}, and serves the console's static files elsewhere. One request at a time per
 * connection: a request that arrives while a CoAP exchange of the same connection is in flight (HTTP
 * pipelining), or while the connection's responses are not flushed yet, waits, and reading pauses
 * until it is answered, so pipelined responses stay in order and the output stays bounded. The
 * common case, one request after another, never pauses reading.
 */
final class GatewayHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String IDLE = "idle";
    /** Set on a connection that carries an event stream: further requests on it are ignored. */
    static final AttributeKey<Boolean> STREAMING = AttributeKey.valueOf("tern.http.streaming");
    private static final String ALLOW = "GET, HEAD, POST, PUT, DELETE, FETCH, PATCH";

    /** What every connection of one gateway shares. */
    record Shared(CoapProxy proxy, StaticFiles files, boolean console, ExecutorService resolver,
                  AtomicInteger eventStreams, int maxEventStreams, java.util.Set<String> hostNames,
                  EventRelays relays, Target.Cache targets) {
    }

    private final Shared shared;
    /** The gateway's coap client on this connection's event loop, or null for the proxy's ({@link LoopDatagrams}). */
    private final dev.tern.coap.CoapClient local;
    /** A CoAP exchange of this connection is in flight (event loop only). */
    private boolean busy;
    /** Requests that arrived while {@link #busy} or unwritable, in order; bounded by one read, since reading pauses. */
    private final java.util.ArrayDeque<FullHttpRequest> waiting = new java.util.ArrayDeque<>();
    private boolean draining;

    GatewayHandler(Shared shared, dev.tern.coap.CoapClient local) {
        this.shared = shared;
        this.local = local;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (busy || !waiting.isEmpty() || !ctx.channel().isWritable()) {
            waiting.add(req.retain()); // pipelined: answered in order once the earlier ones are
            ctx.channel().config().setAutoRead(false);
            return;
        }
        handle(ctx, req);
    }

    /** Answers the requests that waited, in order, while none is in flight; then reads again. */
    private void drain(ChannelHandlerContext ctx) {
        if (draining) {
            return; // an answer that came at once, from the loop below: it goes on with the next request
        }
        draining = true;
        try {
            while (!busy && !waiting.isEmpty() && ctx.channel().isWritable()) {
                FullHttpRequest next = waiting.poll();
                try {
                    handle(ctx, next);
                } finally {
                    next.release();
                }
            }
        } finally {
            draining = false;
        }
        if (!busy && waiting.isEmpty() && ctx.channel().isWritable() && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            drain(ctx);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        discardWaiting();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discardWaiting();
    }

    private void discardWaiting() {
        FullHttpRequest r;
        while ((r = waiting.poll()) != null) {
            r.release();
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (ctx.channel().hasAttr(STREAMING)) {
            return; // the connection is an event stream now (EventStream): read only to see it close
        }
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpHeaderException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            send(ctx, text(status, "malformed HTTP request"), false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String uri = req.uri();
        FullHttpResponse refused = BrowserGuard.refusal(req, HttpTarget.isMapped(uri), shared.hostNames());
        if (refused != null) {
            send(ctx, refused, keepAlive); // another site, or DNS rebinding (BrowserGuard)
            return;
        }
        if (HttpTarget.isMapped(uri)) {
            toCoap(ctx, req, keepAlive);
        } else if (shared.console() && (req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD))) {
            int q = uri.indexOf('?');
            Optional<StaticFiles.File> file = shared.files().find(q < 0 ? uri : uri.substring(0, q));
            if (file.isPresent()) {
                FullHttpResponse r = response(HttpResponseStatus.OK, Unpooled.wrappedBuffer(file.get().content()));
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, file.get().contentType());
                r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
                r.headers().set("X-Content-Type-Options", "nosniff");
                StaticFiles.secure(r.headers());
                send(ctx, r, keepAlive);
            } else {
                send(ctx, text(HttpResponseStatus.NOT_FOUND,
                        "not found; CoAP resources are at /hc/coap://host/path (RFC 8075 §5)"), keepAlive);
            }
        } else {
            send(ctx, text(HttpResponseStatus.NOT_FOUND, "CoAP resources are at /hc/coap://host/path"), keepAlive);
        }
    }

    private void toCoap(ChannelHandlerContext ctx, FullHttpRequest req, boolean keepAlive) {
        Optional<Method> method = HttpMapping.method(req.method().name());
        if (method.isEmpty()) {
            FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "no CoAP method for " + req.method());
            r.headers().set(HttpHeaderNames.ALLOW, ALLOW);
            send(ctx, r, keepAlive);
            return;
        }
        Target parsed = shared.targets().get(req.uri());
        if (parsed == null) {
            try {
                parsed = shared.targets().put(req.uri(), Target.of(HttpTarget.parse(req.uri())));
            } catch (IllegalArgumentException e) {
                send(ctx, text(HttpResponseStatus.BAD_REQUEST, "bad target URI: " + e.getMessage()), keepAlive);
                return;
            }
        }
        CoapUri target = parsed.uri();
        HttpHeaders h = req.headers();
        String accept = h.get(HttpHeaderNames.ACCEPT, "");
        if (method.get() == Method.GET && accept.contains("text/event-stream")) {
            EventStream.open(ctx, shared, target);
            return;
        }
        Request request;
        List<Bytes> validating = List.of();
        try {
            Request.Builder b = Request.builder(method.get()).options(o -> target.addTo(o)); // parsed once
            ByteBuf body = req.content();
            if (body.isReadable()) {
                byte[] bytes = new byte[body.readableBytes()];
                body.getBytes(body.readerIndex(), bytes);
                b.payload(bytes);
                String type = h.get(HttpHeaderNames.CONTENT_TYPE);
                b.contentFormat(type == null ? dev.tern.coap.ContentFormat.OCTET_STREAM : HttpMapping.contentFormat(type));
            }
            OptionalInt cf = accept.isEmpty() ? OptionalInt.empty() : HttpMapping.accept(accept);
            if (cf.isPresent()) {
                b.accept(cf.getAsInt());
            }
            String ifMatch = h.get(HttpHeaderNames.IF_MATCH);
            if (ifMatch != null && !ifMatch.trim().equals("*")) {
                for (Bytes e : HttpMapping.etags(ifMatch)) {
                    b.options(o -> o.ifMatch(e));
                }
            } else if (ifMatch != null) {
                b.options(o -> o.add(OptionNumber.IF_MATCH, Bytes.EMPTY)); // exists (RFC 7252 §5.10.8.1)
            }
            String ifNoneMatch = h.get(HttpHeaderNames.IF_NONE_MATCH);
            if (ifNoneMatch != null && ifNoneMatch.trim().equals("*")) {
                b.options(o -> o.ifNoneMatch());
            } else if (ifNoneMatch != null && (method.get() == Method.GET || method.get() == Method.FETCH)) {
                validating = HttpMapping.etags(ifNoneMatch); // the CoAP ETag option asks for 2.03 (§5.10.6.2)
                for (Bytes e : validating) {
                    b.options(o -> o.etag(e));
                }
            }
            request = b.build();
        } catch (IllegalArgumentException e) {
            send(ctx, text(HttpResponseStatus.BAD_REQUEST, "cannot map to CoAP: " + e.getMessage()), keepAlive);
            return;
        }
        if (!shared.proxy().authorizes(request)) {
            send(ctx, text(HttpResponseStatus.FORBIDDEN, "this gateway does not forward for this client"), keepAlive);
            return;
        }
        boolean conditional = !validating.isEmpty();
        busy = true; // one request at a time: later ones wait, so responses stay in order
        forward(request, parsed).whenComplete((r, failure) -> {
            FullHttpResponse http = failure != null
                    ? text(HttpResponseStatus.BAD_GATEWAY, Forwarder.describe(failure))
                    : toHttp(r, target, conditional); // mapped on the completing (CoAP) thread
            if (ctx.executor().inEventLoop()) {
                answered(ctx, http, keepAlive);
                return;
            }
            try {
                ctx.executor().execute(() -> answered(ctx, http, keepAlive)); // the one hop back to the connection
            } catch (RejectedExecutionException e) {
                http.release(); // the gateway is closing
            }
        });
    }

    /** On the event loop: writes the CoAP exchange's answer, then the requests that waited for it. */
    private void answered(ChannelHandlerContext ctx, FullHttpResponse http, boolean keepAlive) {
        send(ctx, http, keepAlive);
        busy = false;
        if (!keepAlive) {
            discardWaiting(); // the connection closes after this response
            return;
        }
        drain(ctx);
    }

    /** Forwards on the calling I/O thread for an IP literal; a host name resolves on the resolver pool. */
    private CompletableFuture<Response> forward(Request request, Target target) {
        Forwarder forwarder = shared.proxy().forwarder();
        if (target.uri().hostIsLiteral()) {
            return forwarder.forward(request, target, true, local);
        }
        try {
            return CompletableFuture.supplyAsync(() -> forwarder.forward(request, target, true, local), shared.resolver())
                    .thenCompose(f -> f);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(Response.of(Code.SERVICE_UNAVAILABLE, "gateway closing"));
        }
    }

    /** The HTTP response for a CoAP response (RFC 8075 §6, §7). */
    static FullHttpResponse toHttp(Response r, CoapUri target, boolean conditional) {
        Bytes payload = r.payload();
        int status = HttpMapping.status(r.code(), conditional, !payload.isEmpty());
        boolean bodyless = status == 204 || status == 304;
        FullHttpResponse http = response(HttpResponseStatus.valueOf(status),
                bodyless ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(payload.toArray()));
        HttpHeaders h = http.headers(); // fresh: add, not set (each name once, nothing to remove)
        OptionalInt cf = r.contentFormat();
        if (!bodyless && cf.isPresent()) {
            h.add(HttpHeaderNames.CONTENT_TYPE, HttpMapping.contentType(cf.getAsInt()));
        } else if (!bodyless && !payload.isEmpty()) {
            // no Content-Format: a diagnostic payload on an error (RFC 7252 §5.5.2), else opaque bytes (RFC 8075 §6.1)
            h.add(HttpHeaderNames.CONTENT_TYPE, r.code().isSuccess() ? HttpHeaderValues.APPLICATION_OCTET_STREAM
                    : TEXT_UTF8);
        }
        r.options().etag().ifPresent(e -> h.add(HttpHeaderNames.ETAG, HttpMapping.etag(e)));
        CoapHeaders.add(r, h); // the CoAP code and options for the console (X-CoAP-Code, X-CoAP-Options)
        if (r.code().equals(Code.CONTENT) || r.code().equals(Code.VALID)) {
            // RFC 7252 §5.10.5: Max-Age defaults to 60 s; RFC 8075 §7.1 maps it to Cache-Control max-age
            h.add(HttpHeaderNames.CACHE_CONTROL, maxAge(r.options().maxAge().orElse(60)));
        }
        if (r.code().equals(Code.CREATED) && (!r.options().locationPath().isEmpty()
                || !r.options().locationQuery().isEmpty())) {
            h.add(HttpHeaderNames.LOCATION, HttpTarget.PREFIX + "/" + target.resolveLocation(r.options()));
        }
        return http;
    }

    static FullHttpResponse text(HttpResponseStatus status, String message) {
        FullHttpResponse r = response(status, Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT_UTF8);
        return r;
    }

    /**
     * A response the gateway builds itself: its header names are the gateway's own constants, so
     * Netty need not validate them per response (requests are still validated by the decoder).
     */
    static FullHttpResponse response(HttpResponseStatus status, ByteBuf content) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content, OWN_HEADERS, OWN_TRAILERS);
    }

    private static final HttpHeadersFactory OWN_HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final HttpHeadersFactory OWN_TRAILERS = DefaultHttpHeadersFactory.trailersFactory().withValidation(false);
    private static final AsciiString TEXT_UTF8 = AsciiString.cached("text/plain; charset=utf-8");
    /** {@code max-age=N} for the Max-Age values up to 10 minutes, made once each on first use. */
    private static final AsciiString[] MAX_AGE = new AsciiString[601];

    /** The Cache-Control value for a Max-Age (RFC 8075 §7.1); racing threads at worst make one twice. */
    static CharSequence maxAge(long seconds) {
        if (seconds < 0 || seconds >= MAX_AGE.length) {
            return "max-age=" + seconds;
        }
        AsciiString v = MAX_AGE[(int) seconds];
        if (v == null) {
            v = AsciiString.cached("max-age=" + seconds);
            MAX_AGE[(int) seconds] = v;
        }
        return v;
    }

    /** Content-Length values below 2 KiB, made once each on first use (racing threads at worst make one twice). */
    private static final AsciiString[] LENGTHS = new AsciiString[2048];

    private static CharSequence contentLength(int length) {
        if (length >= LENGTHS.length) {
            return Integer.toString(length);
        }
        AsciiString v = LENGTHS[length];
        if (v == null) {
            v = AsciiString.cached(Integer.toString(length));
            LENGTHS[length] = v;
        }
        return v;
    }

    static io.netty.channel.ChannelFuture send(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        if (ctx.executor().isShuttingDown()) {
            r.release();
            return ctx.newFailedFuture(new IllegalStateException("the gateway is closing"));
        }
        // the gateway's responses never carry these two yet: added, not set (no search to remove first)
        r.headers().add(HttpHeaderNames.CONTENT_LENGTH, contentLength(r.content().readableBytes()));
        if (keepAlive) {
            r.headers().add(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            return ctx.writeAndFlush(r, ctx.voidPromise()); // a failed write closes the connection (exceptionCaught)
        }
        r.headers().add(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        io.netty.channel.ChannelFuture f = ctx.writeAndFlush(r);
        f.addListener(ChannelFutureListener.CLOSE);
        return f;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset or a broken connection: nothing to answer
    }
}
