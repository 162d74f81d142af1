package dev.tern.coap.internal.blockwise;

import dev.tern.coap.Block;
import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Response;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Server side of Block1 (RFC 7959 §2.3, §2.5): assembles request bodies block by block, in order,
 * within {@code maxBodySize}, for at most {@code maxTransfers} bodies at a time, each forgotten
 * after {@code lifetime} without a block. Thread-safe (handlers run on many threads).
 */
final class BodyAssembler {
    /** What to do with an offered block: answer {@code reply}, or continue, or hand on the whole {@code body}. */
    record Step(Response reply, Bytes body) {
        static final Step CONTINUE = new Step(null, null);
    }

    private final TransferTable<ResourceKey, Body> bodies;
    private final int maxBodySize;
    private long bytesHeld;

    BodyAssembler(int maxTransfers, int maxBodySize, long lifetimeNanos, LongSupplier clock) {
        this.maxBodySize = maxBodySize;
        this.bodies = new TransferTable<>(maxTransfers, lifetimeNanos, clock, b -> bytesHeld -= b.buffer.length);
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
            bodies.remove(key);
            return new Step(tooLarge("announced body of " + size1.getAsLong() + " bytes is too large"), null);
        }
        if ((long) block.offset() + payload.length() > maxBodySize) {
            // Judged from the option alone (§2.9.3), before anything is allocated; a body in
            // progress for this resource could not be completed within the limit either.
            bodies.remove(key);
            return new Step(tooLarge("block " + block.num() + " ends beyond the " + maxBodySize + "-byte limit"),
                    null);
        }
        if (block.num() == 0) {
            // A body restarting at block 0 replaces an unfinished one (§2.5); the tokens of the
            // replaced body are remembered, so that its late blocks cannot join the new one.
            Body replaced = bodies.remove(key);
            if (!bodies.hasRoom()) {
                return new Step(Response.builder(Code.SERVICE_UNAVAILABLE).maxAge(5)
                        .payload("too many block-wise transfers in progress").build(), null);
            }
            int expected = size1.isPresent() ? (int) size1.getAsLong() : 4 * block.size();
            Body body = new Body(format, Math.max(payload.length(), Math.min(expected, maxBodySize)), token);
            if (replaced != null) {
                body.supersede(replaced);
            }
            bytesHeld += body.buffer.length;
            body.append(payload);
            bodies.put(key, body);
            return Step.CONTINUE;
        }
        Body body = bodies.get(key);
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
            bodies.remove(key);
            return new Step(incomplete("Content-Format changed within the body"), null);
        }
        if ((long) body.length + payload.length() > maxBodySize) {
            bodies.remove(key);
            return new Step(tooLarge("body exceeds " + maxBodySize + " bytes"), null);
        }
        bytesHeld += body.ensure(body.length + payload.length(), maxBodySize);
        body.append(payload);
        body.token = token;
        if (block.more()) {
            return Step.CONTINUE;
        }
        bodies.remove(key);
        return new Step(null, body.toBytes());
    }

    /** Bodies being assembled (expired ones excluded). */
    synchronized int transfers() {
        return bodies.size();
    }

    /** Bytes of buffer held for bodies being assembled. */
    synchronized long bytesHeld() {
        bodies.size();
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
        final LinkedHashSet<Bytes> superseded = new LinkedHashSet<>();
        byte[] buffer;
        int length;
        Bytes token;

        Body(int contentFormat, int capacity, Bytes token) {
            this.contentFormat = contentFormat;
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
