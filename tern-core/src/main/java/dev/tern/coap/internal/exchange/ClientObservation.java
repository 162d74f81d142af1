package dev.tern.coap.internal.exchange;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapException;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.spi.Scheduler;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The client side of one observation (RFC 7641) in {@link ClientExchanges}: notification ordering
 * (§3.4), re-registration when Max-Age runs out (§3.3.1), the Echo retry of a registration
 * (RFC 9175 §2.4), and the remaining blocks of a notification (RFC 7959 §2.6). On the scheduler
 * thread only.
 */
final class ClientObservation {
    /** What an observation needs of the exchange that carries its token. */
    interface Carrier {
        /** The registration as last sent. */
        Request request();

        /** Sends the registration again as {@code registration} (it replaces the one before). */
        void resend(Request registration);

        InetSocketAddress destination();

        /** Releases the token and the NSTART slot; false if it had already finished. */
        boolean finish();

        /** The first notification arrived: frees the NSTART slot, keeps the token. */
        void established();

        /** Registers again (Max-Age ran out without a notification). */
        void reregister();

        void fail(CoapException cause);
    }

    private static final long ORDER_WINDOW = 1L << 23;
    private static final long FRESHNESS_NANOS = 128L * 1_000_000_000L;
    private final Scheduler scheduler;
    final Observation handle;
    final Consumer<Response> listener;
    final ClientExchanges.BlockCompleter blocks;
    private boolean active;
    private long lastSequence = -1;
    private long lastNanos;
    private boolean echoRetried;
    private Scheduler.Cancellable reregisterTimer;
    /** The download of the latest notification's remaining blocks; at most one per observation. */
    private CompletableFuture<Response> download;

    ClientObservation(Scheduler scheduler, Observation handle, Consumer<Response> listener,
                      ClientExchanges.BlockCompleter blocks) {
        this.scheduler = scheduler;
        this.handle = handle;
        this.listener = listener;
        this.blocks = blocks;
    }

    /** Whether a notification has established the observation (RFC 7641 §3.2). */
    boolean active() {
        return active;
    }

    /**
     * {@code answer}: {@code r} came piggybacked on the ACK of the latest (re-)registration. Such an
     * answer restarts the §3.4 ordering: the server that answers a re-registration may be another
     * instance (a cluster node behind a balancer, a restarted server) that lost the relation and
     * numbers a new one from its own start (§4.4 holds within one relation only); without the
     * restart, its notifications would all look older than the lost relation's last one.
     */
    void deliver(Carrier ex, Response r, boolean answer) {
        java.util.OptionalInt seq = r.options().observe();
        long now = scheduler.nanoTime();
        java.util.Optional<Bytes> echo = r.options().echo();
        if (r.code().equals(dev.tern.coap.Code.UNAUTHORIZED) && echo.isPresent() && !echoRetried) {
            // RFC 9175 §2.4: the server wants the Echo value back before it serves us (amplification
            // mitigation); register (or re-register) again with it, once per transmission
            echoRetried = true;
            ex.resend(ex.request().toBuilder().options(o -> o.remove(dev.tern.coap.OptionNumber.ECHO))
                    .option(new dev.tern.coap.Option(dev.tern.coap.OptionNumber.ECHO, echo.get())).build());
            return;
        }
        echoRetried = false;
        if (!r.isSuccess() || seq.isEmpty()) {
            // Not (or no longer) observed: a plain response or an error ends it (§3.2, §4.2).
            ex.finish();
            handle.registered().complete(r);
            emit(r);
            end(null);
            return;
        }
        long v = seq.getAsInt();
        if (active && !answer && !fresher(v, now)) {
            return; // §3.4: an older notification arrived late
        }
        cancelDownload(); // a newer notification makes the older one's remaining blocks useless
        lastSequence = v;
        lastNanos = now;
        boolean first = !active;
        if (first) {
            active = true;
            ex.established();
        }
        scheduleReregistration(ex, r);
        boolean partial = r.options().block2().map(dev.tern.coap.Block::more).orElse(false);
        if (!partial || blocks == null) {
            publish(r, first);
            return;
        }
        // §2.6 of RFC 7959: fetch the rest; publish only if no newer notification came meanwhile.
        CompletableFuture<Response> d;
        try {
            d = blocks.complete(ex.request(), ex.destination(), r);
        } catch (RuntimeException e) {
            d = CompletableFuture.failedFuture(e); // never let a peer's input escape to the I/O thread
        }
        download = d;
        CompletableFuture<Response> mine = d;
        d.whenComplete((whole, failure) -> scheduler.execute(() -> {
            if (download == mine) {
                download = null;
            }
            if (failure instanceof java.util.concurrent.CancellationException) {
                return; // superseded by a newer notification, or the observation ended
            }
            if (failure == null && lastSequence == v && !handle.ended().isDone()) {
                publish(whole.toBuilder().options(o -> o.observe(v)).build(), first);
            } else if (failure != null && !handle.registered().isDone()) {
                // no representation yet (this was the first, or the first's download was superseded)
                ex.fail(failure instanceof CoapException ce ? ce
                        : new dev.tern.coap.CoapTransportException("notification blocks failed", failure));
            } else if (failure != null) {
                org.slf4j.LoggerFactory.getLogger(ClientExchanges.class).debug(
                        "notification {} dropped: its blocks failed: {}", v, failure.toString());
            }
        }));
    }

    private void publish(Response r, boolean first) {
        if (first || !handle.registered().isDone()) { // the first's download may have been superseded
            handle.registered().complete(r);
        }
        emit(r);
    }

    private boolean fresher(long v2, long now) {
        long v1 = lastSequence;
        return (v1 < v2 && v2 - v1 < ORDER_WINDOW) || (v1 > v2 && v1 - v2 > ORDER_WINDOW)
                || now - lastNanos > FRESHNESS_NANOS;
    }

    private void emit(Response r) {
        try {
            listener.accept(r);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ClientExchanges.class).warn("observe listener failed", e);
        }
    }

    private void scheduleReregistration(Carrier ex, Response r) {
        stopTimer();
        long maxAge = r.options().maxAge().orElse(60);
        // A little after Max-Age, so that a notification sent right at expiry wins the race.
        long delay = (maxAge + 2) * 1_000_000_000L + Math.min(maxAge, 10) * 100_000_000L;
        reregisterTimer = scheduler.schedule(ex::reregister, delay);
    }

    void cancelDownload() {
        CompletableFuture<Response> d = download;
        download = null;
        if (d != null) {
            d.cancel(false);
        }
    }

    void stopTimer() {
        if (reregisterTimer != null) {
            reregisterTimer.cancel();
            reregisterTimer = null;
        }
    }

    void end(CoapException failure) {
        stopTimer();
        if (failure == null) {
            handle.ended().complete(null);
        } else {
            handle.registered().completeExceptionally(failure);
            handle.ended().completeExceptionally(failure);
        }
    }
}
