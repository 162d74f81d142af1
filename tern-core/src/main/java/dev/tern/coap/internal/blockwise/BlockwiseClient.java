package dev.tern.coap.internal.blockwise;

import dev.tern.coap.Block;
import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.spi.EndpointMetrics;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client side of block-wise transfer (RFC 7959), above the client exchange layer; transparent:
 *
 * <ul>
 *   <li>a request body larger than the block size ({@link Request#blockSize()}, else
 *       {@code preferredBlockSize}) goes as a Block1 sequence (§2.5) with Size1 (§4) and a
 *       Request-Tag (RFC 9175 §3) in every block; each non-final block waits for 2.31 Continue
 *       (or a 2.xx with Block1 from a non-atomic server) and a smaller SZX in the answer is used
 *       from then on (late negotiation, §2.3); 4.13 with a smaller Block1 SZX to block 0 restarts
 *       with that size (§2.9.3); any other answer ends the transfer and is the response;</li>
 *   <li>a response with Block2 M=1 is completed by asking for the following blocks with the same
 *       request (without Block1 and its body, §2.6, and without Observe) and Block2 NUM+1 in the size the server chose
 *       (§2.4); the ETag must stay the same, else the future fails with
 *       {@link dev.tern.coap.CoapBlockwiseException} (no silent restart);</li>
 *   <li>the final response has the whole body and no Block1, Block2 or Size2 option;</li>
 *   <li>BERT (RFC 8323 §6): on a connection where both sides announced Block-Wise-Transfer
 *       ({@link BertPeers#sendSize}), an upload in 1024-byte blocks sends BERT blocks (SZX 7, NUM
 *       in 1024-byte units) of the size the peer's Max-Message-Size allows, from the first block
 *       sent after the peer's CSM; a server's SZX 6 answer goes back to 1024-byte blocks. A BERT
 *       Block2 is taken only when this side announced Block-Wise-Transfer
 *       ({@link BertPeers#receives}), and the next block is asked for with SZX 7.</li>
 * </ul>
 *
 * A request that already carries a Block1 or Block2 option (e.g. {@link Request.Builder#block2})
 * is sent as it is. A request timeout applies to each block exchange.
 *
 * <p>Memory: a download's buffer grows as blocks arrive, never from the server's Size2 (§4, only
 * an indication); a Size2 beyond {@code maxBodySize} fails the download at once; all downloads in
 * progress together hold at most {@code maxClientBlockwiseBytes} ({@link DownloadBudget}), beyond
 * which a download fails with {@link dev.tern.coap.CoapBlockwiseException}. Cancelling the future
 * of a notification's download (a newer notification came, RFC 7641 §3.4) frees its buffer and
 * cancels its block request in flight.
 */
public final class BlockwiseClient {
    /** The exchange layer below: one request, one response. */
    @FunctionalInterface
    public interface Exchanger {
        /** Sends one request and completes with its response. */
        CompletableFuture<Response> exchange(Request request, InetSocketAddress destination);
    }

    private final Exchanger next;
    private final int preferredSize;
    private final int maxBodySize;
    private final AtomicLong tags = new AtomicLong();
    private final EndpointMetrics metrics;
    private final DownloadBudget budget;
    private final BertPeers peers;

    /** A client stage over {@code next}, without metrics. */
    public BlockwiseClient(Exchanger next, EndpointConfig config) {
        this(next, config, EndpointMetrics.NONE);
    }

    /** A client stage over {@code next}; {@code metrics} is told when a transfer starts and completes. */
    public BlockwiseClient(Exchanger next, EndpointConfig config, EndpointMetrics metrics) {
        this(next, config, metrics, BertPeers.NONE);
    }

    /** A client stage over {@code next} on a reliable transport: {@code peers} says where BERT may go (RFC 8323 §6). */
    public BlockwiseClient(Exchanger next, EndpointConfig config, EndpointMetrics metrics, BertPeers peers) {
        this.next = next;
        this.peers = peers;
        this.metrics = metrics;
        this.preferredSize = config.preferredBlockSize();
        this.maxBodySize = config.maxBodySize();
        this.budget = new DownloadBudget(config.maxClientBlockwiseBytes());
    }

    /** Sends {@code request}, block-wise where needed; completes with the whole response. */
    public CompletableFuture<Response> send(Request request, InetSocketAddress destination) {
        Options o = request.options();
        if (o.has(OptionNumber.BLOCK1) || o.has(OptionNumber.BLOCK2)) {
            return next.exchange(request, destination); // the caller drives the blocks itself
        }
        boolean early = request.blockSize().isPresent();
        int size = request.blockSize().orElse(preferredSize);
        if (request.payload().length() > size) {
            return new Upload(request, destination, Block.szx(size), early).start();
        }
        Request first = early ? request.toBuilder()
                .options(b -> b.set(OptionNumber.BLOCK2, new Block(0, false, Block.szx(size)).value())).build()
                : request;
        return next.exchange(first, destination).thenCompose(r -> download(withoutObserve(request), destination, r));
    }

    /**
     * Completes a notification that carries only the first block of its representation (RFC 7959
     * §2.6): the rest is fetched with {@code request} without Observe, block by block.
     */
    public CompletableFuture<Response> completeNotification(Request request, InetSocketAddress destination,
                                                            Response first) {
        return download(withoutObserve(request), destination, first);
    }

    /** Block2 downloads in progress, for tests and metrics. */
    public int downloadsInProgress() {
        return budget.downloads();
    }

    /** Bytes of buffer held for downloads in progress, for tests and metrics. */
    public long bytesHeld() {
        return budget.reserved();
    }

    /** Completes a response that started a Block2 transfer; other responses pass through. */
    private CompletableFuture<Response> download(Request again, InetSocketAddress destination, Response first) {
        if (!first.options().has(OptionNumber.BLOCK2)) {
            return CompletableFuture.completedFuture(withoutBlockOptions(first, null));
        }
        return new Download(again, destination).accept(first);
    }

    /** Sends one body block by block (RFC 7959 §2.5). */
    private final class Upload {
        private final Request request;
        private final InetSocketAddress destination;
        private final Bytes body;
        private final Bytes tag;
        private final boolean early;
        private final CompletableFuture<Response> result = new CompletableFuture<>();
        private int szx;
        private int offset;
        private boolean shrunk;
        /** The server answered a BERT block with SZX 6 or less: no BERT for this body (RFC 8323 §6). */
        private boolean noBert;

        Upload(Request request, InetSocketAddress destination, int szx, boolean early) {
            this.request = request;
            this.destination = destination;
            this.body = request.payload();
            this.szx = szx;
            this.early = early;
            this.tag = request.options().has(OptionNumber.REQUEST_TAG) ? null
                    : Bytes.wrap(Option.encodeUint(tags.incrementAndGet()));
        }

        CompletableFuture<Response> start() {
            metrics.blockwiseStarted(EndpointMetrics.Blockwise.CLIENT_BLOCK1);
            sendBlock();
            return result;
        }

        private void sendBlock() {
            // BERT once the peer's CSM allows it; never after the server asked for smaller blocks
            int bert = szx == Block.MAX_SZX && !early && !noBert ? peers.sendSize(destination) : 0;
            int size = 1 << (szx + 4);
            int num = offset / size;
            int end = Math.min(offset + (bert > 0 ? bert : size), body.length());
            boolean more = end < body.length();
            int sent = bert > 0 ? Block.BERT_SZX : szx;
            Request block = request.toBuilder().payload(body.slice(offset, end - offset)).options(o -> {
                o.set(OptionNumber.BLOCK1, new Block(num, more, sent).value());
                if (num == 0) {
                    o.set(OptionNumber.SIZE1, body.length());
                }
                if (tag != null) {
                    o.set(OptionNumber.REQUEST_TAG, tag);
                }
                if (!more && early) {
                    o.set(OptionNumber.BLOCK2, new Block(0, false, szx).value()); // §2.6
                }
            }).build();
            next.exchange(block, destination).whenComplete((r, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    onResponse(r, num, more, end, sent);
                }
            });
        }

        private void onResponse(Response r, int num, boolean more, int end, int sentSzx) {
            Block control = r.options().block1().orElse(null);
            if (!more) {
                metrics.blockwiseCompleted(EndpointMetrics.Blockwise.CLIENT_BLOCK1);
                Request again = request.toBuilder().payload(Bytes.EMPTY).options(o -> o.remove(OptionNumber.SIZE1)
                        .remove(OptionNumber.REQUEST_TAG).remove(OptionNumber.OBSERVE)).build();
                download(again, destination, r).whenComplete((whole, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(failure);
                    } else {
                        result.complete(whole);
                    }
                });
                return;
            }
            boolean goOn = r.code().equals(Code.CONTINUE) || (r.isSuccess() && control != null);
            if (goOn) {
                request.progress().ifPresent(p -> p.progress(end, body.length()));
                if (control != null && control.szx() < sentSzx) {
                    szx = Math.min(szx, control.szx()); // late negotiation (§2.3), also away from BERT (RFC 8323 §6)
                    noBert = true;
                }
                offset = end;
                sendBlock();
            } else if (r.code().equals(Code.REQUEST_ENTITY_TOO_LARGE) && num == 0 && !shrunk && control != null
                    && control.szx() < sentSzx) {
                shrunk = true; // §2.9.3: the server asks for smaller blocks
                noBert = true;
                szx = Math.min(szx, control.szx());
                offset = 0;
                sendBlock();
            } else {
                result.complete(withoutBlockOptions(r, null));
            }
        }
    }

    /**
     * Retrieves the remaining blocks of a response body (RFC 7959 §2.4). Its state is touched on the
     * thread that completes the block exchanges and on the one that cancels the result: guarded by
     * the Download's monitor.
     */
    private final class Download {
        private final Request again;
        private final InetSocketAddress destination;
        private final CompletableFuture<Response> result = new CompletableFuture<>();
        private byte[] buffer = new byte[0];
        private int length;
        private Bytes etag;
        private long announcedTotal = -1;
        private CompletableFuture<Response> inFlight;
        private boolean closed;

        Download(Request again, InetSocketAddress destination) {
            this.again = again;
            this.destination = destination;
        }

        CompletableFuture<Response> accept(Response first) {
            Block block = first.options().block2().orElse(null);
            if (block != null && block.num() != 0 && first.isSuccess()) {
                fail("the server answered with block " + block.num() + " instead of block 0");
                return result;
            }
            if (block == null || !block.more()) {
                return CompletableFuture.completedFuture(withoutBlockOptions(first, null)); // the whole body
            }
            metrics.blockwiseStarted(EndpointMetrics.Blockwise.CLIENT_BLOCK2);
            announcedTotal = first.options().size2().orElse(-1);
            if (announcedTotal > maxBodySize && first.isSuccess()) {
                // Size2 is only announced (§4), so it sizes nothing; beyond the limit it ends the transfer early.
                fail(tooLarge());
                return result;
            }
            etag = first.options().etag().orElse(null);
            budget.opened();
            result.whenComplete((r, e) -> close());
            onBlock(first);
            return result;
        }

        /** Frees the buffer and cancels the block request in flight; once, when the result completes. */
        private synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            budget.release(buffer.length);
            budget.closed();
            buffer = null;
            if (inFlight != null && !inFlight.isDone()) {
                inFlight.cancel(false);
            }
        }

        private synchronized void onBlock(Response r) {
            if (closed) {
                return; // cancelled or failed meanwhile
            }
            Block block = r.options().block2().orElse(null);
            if (block == null || !r.isSuccess()) {
                result.complete(withoutBlockOptions(r, null)); // the server answered otherwise: that is the answer
                return;
            }
            if (block.offset() != length) {
                fail("the server sent the block at offset " + block.offset() + ", expected " + length);
                return;
            }
            Bytes e = r.options().etag().orElse(null);
            if (!java.util.Objects.equals(e, etag)) {
                fail("the representation changed during the block-wise transfer (ETag " + etag + " -> " + e + ")");
                return;
            }
            Bytes p = r.payload();
            if ((long) length + p.length() > maxBodySize) {
                fail(tooLarge());
                return;
            }
            if (block.isBert() && !peers.receives(destination)) {
                fail("the server sent a BERT block (SZX 7) without the Block-Wise-Transfer this client would "
                        + "have announced (RFC 8323 §6)");
                return;
            }
            if (block.more() && (block.isBert() ? p.isEmpty() || p.length() % 1024 != 0 : p.length() != block.size())) {
                fail("block " + block.num() + " has " + p.length() + " bytes, not " + (block.isBert()
                        ? "a multiple of 1024 (BERT, RFC 8323 §6)" : "its size " + block.size()));
                return;
            }
            if (!grow(length + p.length())) {
                fail("block-wise downloads in progress would hold more than maxClientBlockwiseBytes ("
                        + budget.maxBytes() + " bytes)");
                return;
            }
            p.copyTo(buffer, length);
            length += p.length();
            again.progress().ifPresent(l -> l.progress(length, announcedTotal));
            if (!block.more()) {
                metrics.blockwiseCompleted(EndpointMetrics.Blockwise.CLIENT_BLOCK2);
                result.complete(withoutBlockOptions(r, Bytes.of(buffer, 0, length)));
                return;
            }
            int nextNum = length / block.size();
            Request ask = again.toBuilder()
                    .options(o -> o.set(OptionNumber.BLOCK2, new Block(nextNum, false, block.szx()).value())).build();
            CompletableFuture<Response> sent = next.exchange(ask, destination);
            inFlight = sent;
            sent.whenComplete((resp, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    onBlock(resp);
                }
            });
        }

        /**
         * Makes room for {@code needed} bytes: doubling (amortised copies) up to {@code maxBodySize},
         * or just enough when the budget has no room for the double; false when it has none at all.
         */
        private boolean grow(int needed) {
            int old = buffer.length;
            if (needed <= old) {
                return true;
            }
            int capacity = (int) Math.min(maxBodySize, Math.max(needed, 2L * old));
            if (!budget.reserve(capacity - old)) {
                capacity = needed;
                if (!budget.reserve(capacity - old)) {
                    return false;
                }
            }
            buffer = java.util.Arrays.copyOf(buffer, capacity);
            return true;
        }

        /** Names the setting and the CLI flag that raise the limit, not a class. */
        private String tooLarge() {
            return "the response body exceeds the client's maxBodySize (" + maxBodySize + " bytes)"
                    + (announcedTotal > 0 ? ": the server announced " + announcedTotal + " bytes (Size2)" : "")
                    + "; raise it with EndpointConfig.maxBodySize (or `tern get --max-body SIZE`)";
        }

        private void fail(String why) {
            result.completeExceptionally(new dev.tern.coap.CoapBlockwiseException(why));
        }
    }

    /** Later blocks are asked for without Observe (RFC 7959 §2.6 with RFC 7641). */
    private static Request withoutObserve(Request request) {
        return request.options().has(OptionNumber.OBSERVE)
                ? request.toBuilder().options(o -> o.remove(OptionNumber.OBSERVE)).build() : request;
    }

    /** The response as the application sees it: the whole body, no Block1, Block2 or Size2. */
    private static Response withoutBlockOptions(Response r, Bytes body) {
        Options o = r.options();
        if (body == null && !o.has(OptionNumber.BLOCK1) && !o.has(OptionNumber.BLOCK2) && !o.has(OptionNumber.SIZE2)) {
            return r;
        }
        Response.Builder b = r.toBuilder().options(x -> x.remove(OptionNumber.BLOCK1).remove(OptionNumber.BLOCK2)
                .remove(OptionNumber.SIZE2));
        return body == null ? b.build() : b.payload(body).build();
    }
}
