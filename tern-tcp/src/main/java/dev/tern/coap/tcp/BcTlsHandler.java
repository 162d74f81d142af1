package dev.tern.coap.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.util.ArrayDeque;
import org.bouncycastle.tls.TlsProtocol;

/**
 * BouncyCastle's TLS in non-blocking mode as a Netty handler (RFC 8323 §9.1): ciphertext from the
 * network is offered to the {@link TlsProtocol}, plaintext it releases goes up, plaintext written
 * down is encrypted, and whatever the protocol wants to send (handshake, records, alerts) is
 * flushed to the network. The handshake's end fires {@link SslHandshakeCompletionEvent#SUCCESS};
 * what is written before (a WebSocket upgrade request, RFC 8323 §4) waits for it, as with Netty's
 * {@code SslHandler}.
 * BouncyCastle's protocol bounds a record to 2^14 bytes plus expansion before buffering it.
 */
final class BcTlsHandler extends ChannelDuplexHandler {
    /** Starts the protocol's side: {@code accept(server)} or {@code connect(client)}. */
    interface Starter {
        void start() throws IOException;
    }

    private final TlsProtocol protocol;
    private final Starter starter;
    private ChannelHandlerContext ctx;
    private boolean completed;
    /** The first failure (e.g. the peer's fatal alert); null while the connection is sound. */
    private IOException failure;
    private final ArrayDeque<Object[]> early = new ArrayDeque<>();

    BcTlsHandler(TlsProtocol protocol, Starter starter) {
        this.protocol = protocol;
        this.starter = starter;
    }

    /** Called by the TLS peer's {@code notifyHandshakeComplete}, on the event loop. */
    void handshakeComplete() {
        completed = true;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        try {
            starter.start();
            flushOutput(context);
        } catch (IOException e) {
            fail(context, e);
            return;
        }
        super.channelActive(context);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            byte[] bytes = new byte[in.readableBytes()];
            in.readBytes(bytes);
            boolean before = completed;
            protocol.offerInput(bytes);
            flushOutput(context);
            if (!before && completed) {
                context.fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
                writeEarly(context);
            }
            int available = protocol.getAvailableInputBytes();
            if (available > 0) {
                byte[] plain = new byte[available];
                protocol.readInput(plain, 0, available);
                context.fireChannelRead(Unpooled.wrappedBuffer(plain));
            }
            if (protocol.isClosed()) {
                context.close();
            }
        } catch (IOException e) {
            fail(context, e);
        } finally {
            in.release();
        }
    }

    @Override
    public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
        ByteBuf buf = (ByteBuf) msg;
        if (failure != null) { // a write queued before the failure was seen: it fails for the same reason
            buf.release();
            promise.tryFailure(failure);
            return;
        }
        if (!completed) {
            early.add(new Object[] {buf, promise});
            return;
        }
        try {
            if (buf.isReadable()) {
                byte[] plain = new byte[buf.readableBytes()];
                buf.readBytes(plain);
                protocol.writeApplicationData(plain, 0, plain.length);
            }
            writeOutput(context, promise);
        } catch (IOException e) {
            IOException reason = failure != null ? failure : e;
            promise.tryFailure(reason);
            fail(context, reason);
        } finally {
            buf.release();
        }
    }

    private void writeEarly(ChannelHandlerContext context) {
        boolean any = !early.isEmpty();
        for (Object[] w = early.poll(); w != null; w = early.poll()) {
            write(context, w[0], (ChannelPromise) w[1]);
        }
        if (any) {
            context.flush();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        for (Object[] w = early.poll(); w != null; w = early.poll()) {
            ((ByteBuf) w[0]).release();
            ((ChannelPromise) w[1]).tryFailure(new IOException("closed before the TLS handshake completed"));
        }
    }

    @Override
    public void close(ChannelHandlerContext context, ChannelPromise promise) throws Exception {
        if (!protocol.isClosed()) {
            try {
                protocol.close(); // close_notify
                flushOutput(context);
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        super.close(context, promise);
    }

    private void writeOutput(ChannelHandlerContext context, ChannelPromise promise) {
        int n = protocol.getAvailableOutputBytes();
        if (n == 0) {
            promise.trySuccess();
            return;
        }
        byte[] out = new byte[n];
        protocol.readOutput(out, 0, n);
        context.write(Unpooled.wrappedBuffer(out), promise);
    }

    private void flushOutput(ChannelHandlerContext context) {
        if (protocol.getAvailableOutputBytes() > 0) {
            writeOutput(context, context.voidPromise());
            context.flush();
        }
    }

    /** The first failure (e.g. the peer's alert) is the reason told; later ones (writes after it) are not. */
    private void fail(ChannelHandlerContext context, IOException e) {
        if (failure != null) {
            return;
        }
        failure = e;
        flushOutput(context); // the fatal alert, if any
        context.fireExceptionCaught(e);
        context.close();
    }
}
