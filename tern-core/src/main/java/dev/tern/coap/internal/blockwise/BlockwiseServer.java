package dev.tern.coap.internal.blockwise;

import dev.tern.coap.Block;
import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Method;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import dev.tern.coap.spi.EndpointMetrics;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Server side of block-wise transfer (RFC 7959), a decorator of the application service placed
 * between the exchange layer and the application. The application sees whole request bodies and
 * returns whole response bodies.
 *
 * <ul>
 *   <li>Block1 (§2.3, §2.5): blocks are assembled per {@link ResourceKey#ofBody} (peer, resource,
 *       Request-Tag); each non-final block gets 2.31 Continue with Block1 (NUM echoed, M=1, the
 *       server's SZX when smaller: late negotiation); the final one runs the application with the
 *       whole body and its response carries Block1 (NUM, M=0). 4.08 for a missing, out-of-order or
 *       interleaved block or a Content-Format change (a late block of a body that a newer one replaced,
 *       recognised by its token, is never mixed in); 4.13 with Size1 for a body too large,
 *       announced (Size1), implied by the block's offset or accumulated. The bodies in assembly are
 *       bounded ({@link BodyAssembler}): {@code maxBlockwiseTransfers} in all and
 *       {@code maxBlockwiseBodiesPerAddress} per source address, the stalest evicted for a new one;
 *       a body with only block 0 lives {@code blockwiseFirstBlockLifetime}; buffers grow as blocks
 *       arrive, never from Size1.</li>
 *   <li>Block2 (§2.4): a response body larger than the block size (the client's Block2 SZX in the
 *       request, else {@code preferredBlockSize}) is sent as block 0 with Block2 (M=1) and Size2, and
 *       kept (bounded, see {@link RepresentationCache}) for the following blocks. A request for
 *       block N is served from it, in any order; when it is gone, GET and FETCH run the
 *       application again (its content ETag shows the client whether it changed), other methods
 *       get 4.08. NUM beyond the end gives 4.02; the M bit of a request's Block2 is ignored.</li>
 *   <li>SZX 7 (reserved, §2.2) in either option gives 4.00, except BERT (RFC 8323 §6) from a peer
 *       this side announced Block-Wise-Transfer to ({@link BertPeers#receives}). Size2 in a request
 *       (§4) gets Size2 back.</li>
 *   <li>BERT (RFC 8323 §6): a BERT Block1 is taken in multiples of 1024 bytes (NUM counts 1024-byte
 *       units) and echoed with SZX 7; to a peer that can take BERT ({@link BertPeers#sendSize}) a
 *       large response goes in BERT blocks of that size when the request asked for BERT or for no
 *       block size (the CSMs negotiated it), unless {@code preferredBlockSize} is below 1024.</li>
 * </ul>
 *
 * A request without Block options whose response fits one block passes through without any cost
 * when the application answers synchronously.
 */
public final class BlockwiseServer implements Service {
    private final Service next;
    private final int preferredSzx;
    private final int preferredSize;
    private final BodyAssembler bodies;
    private final RepresentationCache representations;
    private final EndpointMetrics metrics;
    private final BertPeers peers;

    /** Wraps {@code next} without metrics; see {@link #BlockwiseServer(Service, EndpointConfig, LongSupplier, EndpointMetrics)}. */
    public BlockwiseServer(Service next, EndpointConfig config, LongSupplier nanoClock) {
        this(next, config, nanoClock, EndpointMetrics.NONE);
    }

    /**
     * Wraps {@code next}.
     *
     * @param next the application
     * @param config block size, body limit, state bounds and lifetime
     * @param nanoClock the endpoint's monotonic clock (the scheduler's), for state lifetimes; read on
     *        handler threads, so it must be thread-safe
     * @param metrics told when a transfer starts and completes
     */
    public BlockwiseServer(Service next, EndpointConfig config, LongSupplier nanoClock, EndpointMetrics metrics) {
        this(next, config, nanoClock, metrics, BertPeers.NONE);
    }

    /** Wraps {@code next} on a reliable transport, where {@code peers} says what each peer allows of BERT (RFC 8323 §6). */
    public BlockwiseServer(Service next, EndpointConfig config, LongSupplier nanoClock, EndpointMetrics metrics,
                           BertPeers peers) {
        this.next = next;
        this.peers = peers;
        this.metrics = metrics;
        this.preferredSize = config.preferredBlockSize();
        this.preferredSzx = Block.szx(preferredSize);
        long lifetime = config.blockwiseLifetime().toNanos();
        this.bodies = new BodyAssembler(config.maxBlockwiseTransfers(), config.maxBlockwiseBodiesPerAddress(),
                config.maxBodySize(), lifetime, config.blockwiseFirstBlockLifetime().toNanos(), nanoClock);
        this.representations = new RepresentationCache(config.maxBlockwiseTransfers(),
                (long) config.maxBlockwiseTransfers() * config.maxBodySize(), lifetime, nanoClock);
    }

    @Override
    public CompletableFuture<Response> handle(Request request) {
        Options o = request.options();
        boolean block1 = o.has(OptionNumber.BLOCK1);
        boolean block2 = o.has(OptionNumber.BLOCK2);
        if (!block1 && !block2) {
            CompletableFuture<Response> f = next.handle(request);
            if (f == null || (f.isDone() && !f.isCompletedExceptionally() && fitsAsIs(f.getNow(null), o))) {
                return f; // the hot path: nothing to add, nothing allocated
            }
            int bert = bertSize(request);
            return f.thenApply(r -> firstBlock(request, r, bert > 0 ? Block.BERT_SZX : preferredSzx, bert, false,
                    null));
        }
        Optional<Block> b1 = o.block1();
        Optional<Block> b2 = o.block2();
        if ((block1 && b1.isEmpty()) || (block2 && b2.isEmpty())) {
            return done(Response.of(Code.BAD_REQUEST, "invalid Block option (RFC 7959 §2.2)"));
        }
        if ((b1.map(Block::isBert).orElse(false) || b2.map(Block::isBert).orElse(false))
                && !peers.receives(request.peer())) {
            return done(Response.of(Code.BAD_REQUEST, "invalid Block option: SZX 7 is reserved (RFC 7959 §2.2); "
                    + "BERT needs Block-Wise-Transfer in both CSMs of a reliable transport (RFC 8323 §6)"));
        }
        int bert = bertSize(request);
        // a client asking for BERT gets it where allowed, else 1024-byte blocks (its control usage,
        // §6); one asking for an ordinary size gets that size or smaller (RFC 7959 §2.4)
        int szx2 = b2.map(b -> b.isBert() && bert > 0 ? Block.BERT_SZX : Math.min(b.szx(), preferredSzx))
                .orElse(bert > 0 ? Block.BERT_SZX : preferredSzx);
        return block1 ? block1(request, b1.get(), block2, szx2, bert) : block2(request, b2.get(), szx2, bert);
    }

    /** The BERT block payload for the request's peer, or 0 for ordinary blocks (RFC 8323 §6). */
    private int bertSize(Request request) {
        return preferredSzx == Block.MAX_SZX ? peers.sendSize(request.peer()) : 0;
    }

    /** The bytes one block of {@code szx} carries: {@code bert} for BERT, else {@code 2^(szx+4)}. */
    static int capacity(int szx, int bert) {
        return szx == Block.BERT_SZX ? bert : 1 << (szx + 4);
    }

    /** Bodies being assembled, for tests and metrics. */
    public int bodiesInProgress() {
        return bodies.transfers();
    }

    /** Bytes of buffer held for request bodies being assembled, for tests and metrics. */
    public long bodyBytesHeld() {
        return bodies.bytesHeld();
    }

    /** Response bodies kept for block-wise retrieval, for tests and metrics. */
    public int representationsKept() {
        return representations.size();
    }

    private CompletableFuture<Response> block1(Request request, Block block, boolean block2, int szx2, int bert) {
        // a BERT block is echoed as BERT (RFC 8323 §6) unless this side wants smaller blocks
        int szx = block.isBert() && preferredSzx == Block.MAX_SZX ? Block.BERT_SZX
                : Math.min(block.szx(), preferredSzx);
        Bytes payload = request.payload();
        if (block.isBert() ? block.more() && (payload.isEmpty() || payload.length() % 1024 != 0)
                : payload.length() > block.size() || (block.more() && payload.length() != block.size())) {
            return done(Response.of(Code.BAD_REQUEST, block.isBert()
                    ? "a BERT Block1 payload must be a multiple of 1024 bytes, except the last (RFC 8323 §6)"
                    : "a Block1 payload must be the block size (" + block.size()
                    + " bytes), the last one at most that (RFC 7959 §2.2)"));
        }
        if (block.num() == 0 && !block.more()) {
            return deliver(request, payload, new Block(0, false, szx), block2, szx2, bert);
        }
        if (block.num() == 0) {
            metrics.blockwiseStarted(EndpointMetrics.Blockwise.SERVER_BLOCK1);
        }
        BodyAssembler.Step step = bodies.offer(ResourceKey.ofBody(request), block, payload,
                request.contentFormat(), request.options().size1(), request.token().orElse(Bytes.EMPTY));
        if (step.reply() != null) {
            return done(step.reply());
        }
        if (step.body() == null) {
            return done(Response.builder(Code.CONTINUE)
                    .option(new Block(block.num(), true, szx).toOption(OptionNumber.BLOCK1)).build());
        }
        metrics.blockwiseCompleted(EndpointMetrics.Blockwise.SERVER_BLOCK1);
        return deliver(request, step.body(), new Block(block.num(), false, szx), block2, szx2, bert);
    }

    /** Runs the application with the whole body; its response echoes Block1 (§2.3) and may be sliced (§2.6). */
    private CompletableFuture<Response> deliver(Request request, Bytes body, Block echo, boolean block2, int szx2,
                                                int bert) {
        Request whole = request.toBuilder().payload(body).options(o -> o.remove(OptionNumber.BLOCK1)
                .remove(OptionNumber.SIZE1).remove(OptionNumber.REQUEST_TAG).remove(OptionNumber.BLOCK2)
                .remove(OptionNumber.SIZE2)).build();
        return call(whole).thenApply(r -> firstBlock(request, r, szx2, bert, block2, echo));
    }

    private CompletableFuture<Response> block2(Request request, Block asked, int szx, int bert) {
        int num = asked.offset() / new Block(0, false, szx).size(); // the same offset in the (possibly smaller) size
        Request plain = request.toBuilder()
                .options(o -> o.remove(OptionNumber.BLOCK2).remove(OptionNumber.SIZE2)).build();
        if (num == 0) {
            return call(plain).thenApply(r -> firstBlock(request, r, szx, bert, true, null));
        }
        boolean size2 = request.options().has(OptionNumber.SIZE2);
        ResourceKey key = ResourceKey.ofRepresentation(request);
        Representation kept = representations.get(key);
        if (kept != null) {
            return done(blockOrBadOption(kept, num, szx, bert, size2));
        }
        if (request.method() != Method.GET && request.method() != Method.FETCH) {
            return done(Response.builder(Code.REQUEST_ENTITY_INCOMPLETE)
                    .payload("the response body is no longer available; repeat the request").build());
        }
        return call(plain).thenApply(r -> {
            if (r == null || r.options().has(OptionNumber.BLOCK2)) {
                return r;
            }
            Representation rep = Representation.of(r, true);
            if (rep.length() > capacity(szx, bert)) {
                representations.put(key, rep);
            }
            return blockOrBadOption(rep, num, szx, bert, size2);
        });
    }

    /**
     * The response to send for the first (or only) block: as it is when it fits, else block 0
     * with Block2 and Size2, the whole body kept for the rest.
     */
    private Response firstBlock(Request request, Response r, int szx, int bert, boolean askedBlock2,
                                Block block1Echo) {
        if (r == null || r.options().has(OptionNumber.BLOCK2)) {
            return r; // null fails upstream (5.00); a Block2 of the application's own is left alone
        }
        boolean size2 = request.options().has(OptionNumber.SIZE2);
        Response out;
        if (r.payload().length() <= capacity(szx, bert)) {
            if (!askedBlock2 && !size2 && block1Echo == null) {
                return r;
            }
            out = r.toBuilder().options(o -> {
                if (askedBlock2 && !r.payload().isEmpty()) {
                    o.set(OptionNumber.BLOCK2, new Block(0, false, szx).value());
                }
                if (size2) {
                    o.set(OptionNumber.SIZE2, r.payload().length());
                }
            }).build();
        } else {
            Method m = request.method();
            Representation rep = Representation.of(r, m == Method.GET || m == Method.FETCH);
            representations.put(ResourceKey.ofRepresentation(request), rep);
            metrics.blockwiseStarted(EndpointMetrics.Blockwise.SERVER_BLOCK2);
            out = rep.block(0, szx, bert, true);
            Runnable whenSent = dev.tern.coap.internal.api.ApiAccess.get().whenSent(r);
            if (whenSent != null) {
                out = out.toBuilder().whenSent(whenSent).build(); // with the first block only
            }
        }
        if (block1Echo != null) {
            out = out.toBuilder().option(block1Echo.toOption(OptionNumber.BLOCK1)).build();
        }
        return out;
    }

    private boolean fitsAsIs(Response r, Options requestOptions) {
        return r == null || (r.payload().length() <= preferredSize && !requestOptions.has(OptionNumber.SIZE2));
    }

    private Response blockOrBadOption(Representation rep, int num, int szx, int bert, boolean size2) {
        Response block = rep.block(num, szx, bert, size2);
        if (block != null && num > 0 && !block.options().block2().map(Block::more).orElse(true)) {
            metrics.blockwiseCompleted(EndpointMetrics.Blockwise.SERVER_BLOCK2);
        }
        return block != null ? block : Response.of(Code.BAD_OPTION,
                "Block2 block " + num + " is beyond the end of the " + rep.length() + "-byte body");
    }

    /** The application, with a throw or a null turned into a failed future (5.00 upstream). */
    private CompletableFuture<Response> call(Request request) {
        try {
            CompletableFuture<Response> f = next.handle(request);
            return f != null ? f : CompletableFuture.failedFuture(new NullPointerException("service returned null"));
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static CompletableFuture<Response> done(Response r) {
        return CompletableFuture.completedFuture(r);
    }
}
