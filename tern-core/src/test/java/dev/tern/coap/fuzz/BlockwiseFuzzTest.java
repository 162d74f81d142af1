package dev.tern.coap.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Method;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import dev.tern.coap.internal.blockwise.BlockwiseServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sequence of fuzzed requests with Block1/Block2 (RFC 7959), raw option values included (so SZX 7,
 * NUM up to 2^20-1 and over-long values), Size1/Size2, Request-Tag, Content-Format, token and peer, into
 * {@link BlockwiseServer} wrapping a trivial application, with small limits. Every request gets a
 * completed, non-null response; the application never sees a body over {@code maxBodySize} nor a Block
 * option (Size1 and Request-Tag of a request without Block1 pass through); held state
 * stays within the configured bounds; a response payload is never larger than a block unless it was
 * the application's own unsliced one.
 */
class BlockwiseFuzzTest {
    private static final int MAX_BODY = 4096;
    private static final int MAX_TRANSFERS = 4;
    private static final Method[] METHODS = {Method.GET, Method.POST, Method.PUT, Method.FETCH, Method.DELETE};
    private static final String[] PATHS = {"/a", "/b"};
    private static final InetSocketAddress[] PEERS = {
        new InetSocketAddress("127.0.0.1", 40001), new InetSocketAddress("127.0.0.1", 40002),
    };

    @FuzzTest
    void transfers(FuzzedDataProvider data) {
        int preferred = 16 << data.consumeInt(0, 6);
        EndpointConfig config = EndpointConfig.builder().preferredBlockSize(preferred).maxBodySize(MAX_BODY)
                .maxBlockwiseTransfers(MAX_TRANSFERS).blockwiseLifetime(Duration.ofSeconds(10)).build();
        AtomicLong clock = new AtomicLong();
        AtomicLong responseSize = new AtomicLong(100);
        Service app = request -> {
            if (request.payload().length() > MAX_BODY) {
                throw new AssertionError("the application got a " + request.payload().length() + "-byte body");
            }
            if (request.options().has(OptionNumber.BLOCK1) || request.options().has(OptionNumber.BLOCK2)) {
                throw new AssertionError("the application saw block-wise options: " + request.options());
            }
            Method m = request.method();
            if (m == Method.GET || m == Method.FETCH || m == Method.POST) {
                return CompletableFuture.completedFuture(
                        Response.content(Bytes.wrap(new byte[(int) responseSize.get()]), ContentFormat.OCTET_STREAM));
            }
            if (m == Method.DELETE) {
                return CompletableFuture.failedFuture(new IllegalStateException("documented: the application failed"));
            }
            return CompletableFuture.completedFuture(Response.of(Code.CHANGED, "got " + request.payload().length()));
        };
        BlockwiseServer server = new BlockwiseServer(app, config, clock::get);

        int steps = data.consumeInt(1, 40);
        for (int i = 0; i < steps && data.remainingBytes() > 0; i++) {
            Method method = data.pickValue(METHODS);
            Request.Builder b = Request.builder(method).path(data.pickValue(PATHS)).peer(data.pickValue(PEERS));
            b.token(Bytes.wrap(data.consumeBytes(data.consumeInt(0, 2))));
            if (data.consumeBoolean()) {
                b.option(Option.ofUint(OptionNumber.BLOCK1, blockValue(data)));
            }
            if (data.consumeBoolean()) {
                b.option(Option.ofUint(OptionNumber.BLOCK2, blockValue(data)));
            }
            if (data.consumeBoolean()) {
                b.option(Option.ofUint(OptionNumber.SIZE1, data.consumeLong(0, 0xFFFF_FFFFL)));
            }
            if (data.consumeBoolean()) {
                b.option(Option.ofUint(OptionNumber.SIZE2, 0));
            }
            if (data.consumeBoolean()) {
                b.option(new Option(OptionNumber.REQUEST_TAG, Bytes.wrap(data.consumeBytes(data.consumeInt(0, 2)))));
            }
            if (data.consumeBoolean()) {
                b.contentFormat(data.pickValue(new int[] {ContentFormat.TEXT_PLAIN, ContentFormat.OCTET_STREAM}));
            }
            int payloadSize = data.consumeBoolean() ? 16 << data.consumeInt(0, 6) : data.consumeInt(0, 1100);
            b.payload(new byte[payloadSize]);
            responseSize.set(data.consumeInt(0, 6000));
            clock.addAndGet(data.consumeBoolean() ? 0 : Duration.ofSeconds(data.consumeInt(0, 15)).toNanos());
            Request request = b.build();

            CompletableFuture<Response> f;
            try {
                f = server.handle(request);
            } catch (RuntimeException e) {
                throw new AssertionError("handle threw on " + request, e);
            }
            if (f == null || !f.isDone()) {
                throw new AssertionError("no completed response for " + request);
            }
            if (f.isCompletedExceptionally()) {
                Throwable cause = f.handle((r, t) -> t).join();
                while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                    cause = cause.getCause();
                }
                if (method == Method.DELETE && cause instanceof IllegalStateException) {
                    continue; // the application's own failure, passed on (5.00 upstream)
                }
                throw new AssertionError("failed future for " + request, cause);
            }
            Response r = f.join();
            if (r == null) {
                throw new AssertionError("null response for " + request);
            }
            if (r.options().has(OptionNumber.BLOCK2) && r.payload().length() > 1024) {
                throw new AssertionError("a block larger than 1024 bytes: " + r);
            }
            if (server.bodiesInProgress() > MAX_TRANSFERS || server.bodyBytesHeld() > (long) MAX_TRANSFERS * MAX_BODY
                    || server.representationsKept() > MAX_TRANSFERS) {
                throw new AssertionError("state out of bounds: " + server.bodiesInProgress() + " bodies, "
                        + server.bodyBytesHeld() + " bytes, " + server.representationsKept() + " representations");
            }
        }
    }

    /** A Block option value: mostly well-formed (NUM, M, SZX 0..7), sometimes any 0..4-byte uint. */
    private static long blockValue(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            return data.consumeLong(0, 0xFFFF_FFFFL);
        }
        int num = data.consumeBoolean() ? data.consumeInt(0, 8) : data.consumeInt(0, (1 << 20) - 1);
        return ((long) num << 4) | (data.consumeBoolean() ? 8 : 0) | data.consumeInt(0, 7);
    }
}
