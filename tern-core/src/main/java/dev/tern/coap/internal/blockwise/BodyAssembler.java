package dev.tern.coap.internal.blockwise;

import dev.tern.coap.Block;
import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Response;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Server side of Block1 (RFC 7959 §2.3, §2.5): assembles request bodies block by block, in order,
 * within {@code maxBodySize}. Thread-safe (handlers run on many threads). Its state is bounded
 * against peers that send first blocks and nothing more (FAULTS.md A2.4):
 *
 * <ul>
 *   <li>at most {@code maxTransfers} bodies; a new one at the cap evicts the stalest body that never
 *       got past block 0, else the stalest body, rather than being refused (a refusal would let
 *       anyone lock every client out with one datagram per slot);</li>
 *   <li>at most {@code maxPerAddress} bodies per {@link SourceAddress}; a new one beyond it evicts
 *       that address's stalest;</li>
 *   <li>a body with only its block 0 is forgotten after {@code firstBlockLifetime} without a block,
 *       one past block 0 after {@code lifetime};</li>
 *   <li>buffers grow (doubling) as blocks arrive; Size1 (§4) only gets 4.13 when beyond the limit,
 *       it never sizes a buffer.</li>
 * </ul>
 */
final class BodyAssembler {
    /** What to do with an offered block: answer {@code reply}, or continue, or hand on the whole {@code body}. */
    record Step(Response reply, Bytes body) {
        static final Step CONTINUE = new Step(null, null);
    }

    /** Bodies with only their block 0: cheap to send from spoofed sources, kept briefly. */
    private final TransferTable<ResourceKey, Body> fresh;
    /** Bodies past block 0. */
    private final TransferTable<ResourceKey, Body> going;
    private final HashMap<SourceAddress, Integer> perAddress = new HashMap<>();
    private final int maxTransfers;
    private final int maxPerAddress;
    private final int maxBodySize;
    private long bytesHeld;

    BodyAssembler(int maxTransfers, int maxPerAddress, int maxBodySize, long lifetimeNanos,
                  long firstBlockLifetimeNanos, LongSupplier clock) {
        this.maxTransfers = maxTransfers;
        this.maxPerAddress = maxPerAddress;
        this.maxBodySize = maxBodySize;
        this.fresh = new TransferTable<>(maxTransfers, Math.min(firstBlockLifetimeNanos, lifetimeNanos), clock,
                this::forget);
        this.going = new TransferTable<>(maxTransfers, lifetimeNanos, clock, this::forget);
    }

    /** Told of every body that leaves the tables (removed, evicted, expired; not moved). */
    private void forget(Body b) {
        bytesHeld -= b.buffer.length;
        perAddress.computeIfPresent(b.source, (k, n) -> n > 1 ? n - 1 : null);
    }

    private Body remove(ResourceKey key) {
        Body b = fresh.remove(key);
        return b != null ? b : going.remove(key);
    }

    /** Frees a slot for a body from {@code source}: its address's stalest beyond the per-address bound, then the table's. */
    private void makeRoom(SourceAddress source) {
        fresh.size(); // purges the expired ones first, so that they count nowhere
        going.size();
        if (perAddress.getOrDefault(source, 0) >= maxPerAddress) {
            if (fresh.removeEldest(k -> SourceAddress.of(k.peer()).equals(source)) == null) {
                going.removeEldest(k -> SourceAddress.of(k.peer()).equals(source));
            }
        }
        if (fresh.size() + going.size() >= maxTransfers && fresh.removeEldest() == null) {
            going.removeEldest();
        }
    }

    /**
     * Takes one block of a body with more than one block (not NUM 0 with M 0).
     *
     * @param contentFormat the block's Content-Format; must not change within a body (RFC 7959 §2.5)
     * @param size1 the announced body size (RFC 7959 §4)
     * @param token the block's token: a block carrying a token of a body that another one replaced
     *        (interleaved bodies without Request-Tag, RFC 9175 §3) gets 4.08 and is never mixed in
     */
    synchronized Step offer(ResourceKey key, Block block, Bytes payload, OptionalInt contentFormat,
                            OptionalLong size1, Bytes token) {
        int format = contentFormat.orElse(-1);
        if (size1.isPresent() && size1.getAsLong() > maxBodySize) {
            remove(key);
            return new Step(tooLarge("announced body of " + size1.getAsLong() + " bytes is too large"), null);
        }
        if ((long) block.offset() + payload.length() > maxBodySize) {
            // Judged from the option alone (§2.9.3), before anything is allocated; a body in
            // progress for this resource could not be completed within the limit either.
            remove(key);
            return new Step(tooLarge("block " + block.num() + " ends beyond the " + maxBodySize + "-byte limit"),
                    null);
        }
        if (block.num() == 0) {
            // A body restarting at block 0 replaces an unfinished one (§2.5); the tokens of the
            // replaced body are remembered, so that its late blocks cannot join the new one.
            Body replaced = remove(key);
            SourceAddress source = SourceAddress.of(key.peer());
            makeRoom(source);
            // The buffer holds what arrived; Size1 is only the peer's announcement (§4).
            Body body = new Body(format, payload.length(), token, source);
            if (replaced != null) {
                body.supersede(replaced);
            }
            bytesHeld += body.buffer.length;
            perAddress.merge(source, 1, Integer::sum);
            body.append(payload);
            fresh.put(key, body);
            return Step.CONTINUE;
        }
        Body body = going.get(key);
        boolean first = false;
        if (body == null) {
            body = fresh.get(key);
            first = true;
        }
        if (body == null) {
            return new Step(incomplete("no body in progress: block " + block.num() + " without block 0, or expired"),
                    null);
        }
        if (body.superseded.contains(token)) {
            return new Step(incomplete("block of a body that a newer one (same resource, no Request-Tag) replaced"),
                    null);
        }
        if (block.offset() != body.length) {
            // Out of order, a gap, or a block of an interleaved body: never mixed in (§2.5, 4.08).
            return new Step(incomplete("expected the block at offset " + body.length + ", got " + block.offset()),
                    null);
        }
        if (format != body.contentFormat) {
            remove(key);
            return new Step(incomplete("Content-Format changed within the body"), null);
        }
        if ((long) body.length + payload.length() > maxBodySize) {
            remove(key);
            return new Step(tooLarge("body exceeds " + maxBodySize + " bytes"), null);
        }
        bytesHeld += body.ensure(body.length + payload.length(), maxBodySize);
        body.append(payload);
        body.token = token;
        if (block.more()) {
            if (first) {
                going.put(key, fresh.detach(key)); // past block 0: kept for the full lifetime
            }
            return Step.CONTINUE;
        }
        remove(key);
        return new Step(null, body.toBytes());
    }

    /** Bodies being assembled (expired ones excluded). */
    synchronized int transfers() {
        return fresh.size() + going.size();
    }

    /** Bodies being assembled for {@code source}'s address (expired ones excluded). */
    synchronized int transfers(SourceAddress source) {
        transfers();
        return perAddress.getOrDefault(source, 0);
    }

    /** Bytes of buffer held for bodies being assembled. */
    synchronized long bytesHeld() {
        transfers();
        return bytesHeld;
    }

    private Response tooLarge(String why) {
        // RFC 7959 §2.9.3: 4.13 with Size1 giving the largest acceptable body.
        return Response.builder(Code.REQUEST_ENTITY_TOO_LARGE).option(Option.ofUint(OptionNumber.SIZE1, maxBodySize))
                .payload(why).build();
    }

    private static Response incomplete(String why) {
        return Response.builder(Code.REQUEST_ENTITY_INCOMPLETE).payload(why).build(); // RFC 7959 §2.9.2
    }

    /** One body being assembled; its buffer grows by doubling up to the body limit, never beyond. */
    private static final class Body {
        /** How many tokens of replaced bodies are remembered. */
        private static final int MAX_SUPERSEDED = 8;
        final int contentFormat;
        final SourceAddress source;
        final LinkedHashSet<Bytes> superseded = new LinkedHashSet<>();
        byte[] buffer;
        int length;
        Bytes token;

        Body(int contentFormat, int capacity, Bytes token, SourceAddress source) {
            this.contentFormat = contentFormat;
            this.source = source;
            this.buffer = new byte[capacity];
            this.token = token;
        }

        /** Remembers the tokens of {@code old}, which this body replaced, except this body's own. */
        void supersede(Body old) {
            superseded.addAll(old.superseded);
            superseded.add(old.token);
            superseded.remove(token);
            while (superseded.size() > MAX_SUPERSEDED) {
                superseded.remove(superseded.iterator().next());
            }
        }

        /** Grows the buffer to hold {@code needed} bytes; returns the bytes added. */
        int ensure(int needed, int limit) {
            if (needed <= buffer.length) {
                return 0;
            }
            int old = buffer.length;
            int capacity = (int) Math.min(limit, Math.max(needed, 2L * old));
            buffer = Arrays.copyOf(buffer, capacity);
            return capacity - old;
        }

        void append(Bytes payload) {
            payload.copyTo(buffer, length);
            length += payload.length();
        }

        Bytes toBytes() {
            return length == buffer.length ? Bytes.wrap(buffer) : Bytes.of(buffer, 0, length);
        }
    }
}
