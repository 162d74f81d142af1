package dev.tern.coap.proxy;

import dev.tern.coap.CoapTimeoutException;
import dev.tern.coap.CoapUri;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Observe (RFC 7641) as Server-Sent Events (HTML Living Standard, "Server-sent events"): RFC 8075
 * leaves streaming open, so a GET with {@code Accept: text/event-stream} registers one CoAP
 * observation at the target and answers {@code 200 text/event-stream}; every notification is one
 * event whose {@code id} is its Observe number and whose {@code data} is the payload, as text for
 * text Content-Formats ({@link ContentFormat#isText}) or base64 with {@code event: base64}
 * otherwise. A notification with an error code is sent as {@code event: error} (data: the code
 * and diagnostic) and ends the stream. Closing the HTTP connection leaves it, and the last to leave cancels the observation
 * (RFC 7641 §3.6); the observation ending (the server stops, a timeout) ends the stream. When the
 * HTTP client reads too slowly, notifications are skipped (§3.3: only the latest state matters).
 * The target's first answer decides: an observable 2.05 opens the stream, anything else is mapped
 * to an ordinary HTTP response (RFC 8075 §7).
 */
final class EventStream {
    private final ChannelHandlerContext ctx;
    private final GatewayHandler.Shared shared;
    private final CoapUri target;
    private final AtomicBoolean released = new AtomicBoolean();
    private boolean open; // guarded by this
    private boolean answered; // guarded by this
    private long sequence; // guarded by this

    private EventStream(ChannelHandlerContext ctx, GatewayHandler.Shared shared, CoapUri target) {
        this.ctx = ctx;
        this.shared = shared;
        this.target = target;
    }

    /** Opens a stream for {@code target} on {@code ctx}'s connection, or answers why not. */
    static void open(ChannelHandlerContext ctx, GatewayHandler.Shared shared, CoapUri target) {
        Forwarder.Admission admission = shared.proxy().forwarder().admit(target, true);
        if (admission.refusal() != null) {
            GatewayHandler.send(ctx, GatewayHandler.toHttp(admission.refusal(), target, false), false);
            return;
        }
        if (shared.eventStreams().incrementAndGet() > shared.maxEventStreams()) {
            shared.eventStreams().decrementAndGet();
            FullHttpResponse busy = GatewayHandler.text(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "too many event streams at this gateway");
            busy.headers().set(HttpHeaderNames.RETRY_AFTER, "2");
            GatewayHandler.send(ctx, busy, false);
            return;
        }
        Request request = Request.get(target.toString())
                .options(b -> b.hopLimit(Options.DEFAULT_HOP_LIMIT))
                .peer(admission.peer())
                .build();
        if (!shared.proxy().authorizes(request)) {
            shared.eventStreams().decrementAndGet();
            GatewayHandler.send(ctx, GatewayHandler.text(HttpResponseStatus.FORBIDDEN,
                    "this gateway does not forward for this client"), false);
            return;
        }
        EventStream stream = new EventStream(ctx, shared, target);
        ctx.channel().attr(GatewayHandler.STREAMING).set(Boolean.TRUE); // the connection is the stream's now
        String key = target.toString();
        shared.relays().join(key, stream, listener -> admission.client().observe(request, listener));
        ctx.channel().closeFuture().addListener(f -> {
            shared.relays().leave(key, stream); // the last to leave deregisters (RFC 7641 §3.6)
            stream.release();
        });
    }

    synchronized void notified(Response r) {
        if (ctx.executor().isShuttingDown()) {
            return; // the gateway is closing
        }
        if (!answered) {
            answered = true;
            if (!r.code().isSuccess() || r.options().observe().isEmpty()) {
                // not observable, or an error: an ordinary response (RFC 8075 §7)
                GatewayHandler.send(ctx, GatewayHandler.toHttp(Forwarder.clean(r), target, false), false);
                release();
                return;
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            HttpUtil.setTransferEncodingChunked(head, true);
            if (ctx.pipeline().get(GatewayHandler.IDLE) != null) {
                ctx.pipeline().remove(GatewayHandler.IDLE); // a quiet resource is not an idle client
            }
            ctx.write(head);
            open = true;
        }
        if (!open) {
            return;
        }
        if (!r.code().isSuccess()) {
            String data = r.code() + (r.payload().isEmpty() ? "" : " " + r.payload().utf8());
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(
                    "event: error\ndata: " + data.replace('\n', ' ') + "\n\n", StandardCharsets.UTF_8)));
            end();
            return;
        }
        if (!ctx.channel().isWritable()) {
            return; // the HTTP client is behind: skip this state (RFC 7641 §3.3), keep the bound
        }
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(event(r), StandardCharsets.UTF_8)));
    }

    /** One Server-Sent Event for a notification. */
    private String event(Response r) {
        StringBuilder s = new StringBuilder();
        OptionalInt observe = r.options().observe();
        s.append("id: ").append(observe.isPresent() ? observe.getAsInt() : sequence).append('\n');
        sequence++;
        OptionalInt cf = r.contentFormat();
        boolean text = cf.isEmpty() || ContentFormat.isText(cf.getAsInt());
        if (text) {
            for (String line : r.payload().utf8().split("\r\n|\r|\n", -1)) {
                s.append("data: ").append(line).append('\n');
            }
        } else {
            s.append("event: base64\n");
            s.append("data: ").append(Base64.getEncoder().encodeToString(r.payload().toArray())).append('\n');
        }
        return s.append('\n').toString();
    }

    synchronized void failed(Throwable failure) {
        if (answered) {
            return;
        }
        answered = true;
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        HttpResponseStatus status = cause instanceof CoapTimeoutException
                ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY;
        GatewayHandler.send(ctx, GatewayHandler.text(status, Forwarder.describe(cause)), false);
        release();
    }

    synchronized void ended() {
        if (open) {
            end();
        }
    }

    private void end() {
        open = false;
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        release();
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            shared.eventStreams().decrementAndGet();
        }
    }
}
