package dev.tern.coap;

import java.time.Duration;
import java.util.Objects;

/**
 * Transmission parameters and bounds of one endpoint. The defaults are RFC 7252 §4.8's; every
 * derived time (§4.8.2) is computed from them. Immutable; change with {@link #toBuilder()}.
 *
 * @param ackTimeout ACK_TIMEOUT, 2 s (§4.8)
 * @param ackRandomFactor ACK_RANDOM_FACTOR, 1.5 (§4.8)
 * @param maxRetransmit MAX_RETRANSMIT, 4 (§4.8)
 * @param nstart NSTART, outstanding interactions per peer, 1 (§4.7)
 * @param maxLatency MAX_LATENCY, 100 s (§4.8.2)
 * @param separateResponseDelay how long a server waits for its handler before it sends an empty
 *        ACK and answers separately (§5.2.2), 1 s; zero always acknowledges first
 * @param requestTimeout how long a client waits for a response when the request sets no timeout,
 *        MAX_TRANSMIT_WAIT (93 s with the defaults)
 * @param tokenLength length of the random tokens the client generates, 8 bytes (§5.3.1); up to
 *        {@code maxTokenLength}, 9..12 excepted (no encoding, RFC 8974 §2.1). Longer than 8 uses
 *        extended tokens (RFC 8974); a server that rejects one with 4.00 or RST (§2.2.2) gets the
 *        request again with an 8-byte token, and every later request to it uses 8-byte tokens (at
 *        most {@code maxPeers} such servers remembered, least recently used forgotten)
 * @param maxPayload the largest request payload a server accepts without block-wise transfer
 *        (larger: 4.13 with Size1, §5.9.2.9), 8192 bytes
 * @param maxDeduplicationEntries bound of the duplicate-detection cache (§4.5), 100 000
 * @param maxPeers bound of per-peer state (Message ID counters, NSTART queues), 100 000
 * @param maxClientExchanges bound of requests a client has waiting or in flight, 100 000
 * @param maxObservers bound of observe relations a server keeps (RFC 7641 §4.1), 50 000; beyond it
 *        a registration is served as a plain GET
 * @param conNotificationInterval a NON observable sends every n-th notification as CON (RFC 7641
 *        §4.5), 20; it also sends one at least every 24 hours. An observer that never answers thus
 *        gets at most this many notifications plus MAX_RETRANSMIT before it is removed (§4.5.2)
 * @param preferredBlockSize the block size (RFC 7959 §2.2) a client uses for request bodies and a
 *        server for response bodies unless the peer asks for less, 1024 bytes (SZX 6): the largest
 *        block that keeps a message within the 1152 bytes RFC 7252 §4.6 recommends
 * @param maxBodySize the largest body assembled from blocks (RFC 7959 §2.9.3): a server answers
 *        4.13 with Size1 beyond it, a client fails with {@link CoapBlockwiseException}; 65 536 bytes
 *        in {@link #defaults()} (a server's request bodies), {@value #CLIENT_MAX_BODY_SIZE} bytes
 *        (16 MiB) in {@link #clientDefaults()}, which {@link CoapClient} starts from, so that
 *        downloads such as firmware images work and stay bounded
 * @param maxBlockwiseTransfers bound of a server's block-wise state: request bodies being
 *        assembled (a new one beyond it evicts the stalest body that never got past block 0, else
 *        the stalest) and, separately, response bodies kept for their remaining blocks (least
 *        recently used evicted), 256; with {@code maxBodySize} it bounds the memory: 256 x 64 KiB =
 *        16 MiB each
 * @param blockwiseLifetime how long a server keeps an idle block-wise transfer (RFC 7959 §2.4,
 *        §2.5), 5 minutes
 * @param multicastLeisure how long a server may wait, at most, before it answers a request that
 *        came to a multicast group: each response is sent after a random delay in
 *        {@code [0, multicastLeisure)}, spreading the answers of many servers (§8.2,
 *        DEFAULT_LEISURE 5 s); zero answers at once
 * @param handlerTimeout how long a server waits for its handler's future, 30 s; beyond it the
 *        client gets 5.03 Service Unavailable with Max-Age 2, the exchange is freed and a late
 *        completion is ignored. 5.03 rather than 5.00: the handler has not failed, the server is
 *        (momentarily) too busy, and Max-Age tells the client when it may retry (§5.9.3.4)
 * @param amplificationLimit amplification mitigation (RFC 7252 §11.3, RFC 9175 §2.4): a factor; a
 *        response to a peer that has not yet completed an Echo round trip may be at most this many
 *        times the size of its request datagram, a larger one is replaced by 4.01 Unauthorized
 *        with a fresh Echo option; a retry carrying that Echo verifies the peer. An observe
 *        registration (RFC 7641 §4.1) from an unverified peer over plain {@code coap} gets the 4.01
 *        whatever its size, so that no relation notifies an unverified address. 0 (the default)
 *        disables it; 3 is the value RFC 9175 §2.4 suggests. Off by default because a client
 *        without Echo support (node-coap, for one) would get 4.01 for every response that exceeds
 *        the limit (with factor 3 and a ~20-byte GET, anything beyond ~60 bytes), and because the
 *        block-wise stage already keeps every response to one block, at most ~1.1 KiB. An
 *        Internet-facing server that anyone can spoof requests to should set 3 (see SECURITY.md)
 * @param verifiedPeerLifetime how long a peer stays verified after an Echo round trip, 10 minutes;
 *        at most {@code maxPeers} verified peers are remembered (least recently used evicted)
 * @param multicastAmplificationLimit the multiplier of a response to a group request (RFC 7252
 *        §11.3, §8.1; RFC 9175 §2.4): a response to a request that came to a multicast group may be
 *        at most this many times the size of the request, 3 by default; a larger 2.xx to a GET or
 *        FETCH is cut to the largest Block2 block 0 that fits (RFC 7959 §2.4: the client fetches the
 *        rest by unicast), anything else that does not fit is not sent. A route can lift it with
 *        {@link RouteOptions#multicastUncapped()}; 0 lifts it for every route
 * @param maxBlockwiseBodiesPerAddress bound of the Block1 request bodies a server assembles for
 *        one source address (an IPv4 address, an IPv6 /64 prefix), 4: a new body beyond it evicts
 *        that address's stalest body, so one host cannot fill {@code maxBlockwiseTransfers}
 *        (RFC 7959 §2.5 leaves the state bounds to the server)
 * @param blockwiseFirstBlockLifetime how long a server keeps a Block1 body that never got past
 *        block 0, 10 seconds (cheap to send from spoofed addresses, so held briefly); a body that
 *        received a later block is kept for {@code blockwiseLifetime}
 * @param maxClientBlockwiseBytes budget of the bytes a client holds, in all, for block-wise
 *        downloads in progress (RFC 7959 §2.4, notifications' remaining blocks §2.6 included),
 *        16 MiB: a download that would exceed it fails with {@link CoapBlockwiseException}. Buffers
 *        grow as blocks arrive and are never sized from a server's Size2
 * @param maxTokenLength the longest token a server accepts (RFC 8974 §2.2.2), 32 bytes, 8 to
 *        65 804; a request with a longer token, which the codec accepts, gets 4.00 Bad Request
 * @param requestRateLimit per-peer request rate limit of a server in requests per second (a token
 *        bucket refilled at this rate); beyond it a request gets 4.29 Too Many Requests with
 *        Max-Age = the seconds until the next request would be admitted (RFC 8516 §3). 0 (the
 *        default) disables it
 * @param requestBurst the bucket size: how many requests a peer may send at once before the rate
 *        applies, 10
 * @param maxRateLimitedPeers bound of the rate limiter's peer table, 10 000; beyond it the least
 *        recently seen peer is forgotten (it starts again with a full bucket)
 * @param tooManyRequestsRetries how often a client sends a request again after a 4.29 Too Many
 *        Requests, each time after the response's Max-Age (RFC 8516 §3), 0 (the 4.29 is returned);
 *        a Max-Age beyond {@code requestTimeout} is not waited for
 * @param maxMulticastResponses bound of the responses a client keeps for one group request (RFC 7252
 *        §8.1: any number of servers may answer, and over plain coap anyone on the path can forge
 *        answers), 1000; one per responding source address and port; further ones are dropped (a
 *        CON one still acknowledged)
 */
public record EndpointConfig(Duration ackTimeout, double ackRandomFactor, int maxRetransmit, int nstart,
                             Duration maxLatency, Duration separateResponseDelay, Duration requestTimeout,
                             int tokenLength, int maxPayload, int maxDeduplicationEntries, int maxPeers,
                             int maxClientExchanges, int maxObservers, int conNotificationInterval,
                             int preferredBlockSize, int maxBodySize, int maxBlockwiseTransfers,
                             Duration blockwiseLifetime, Duration multicastLeisure, Duration handlerTimeout,
                             int amplificationLimit, Duration verifiedPeerLifetime,
                             int multicastAmplificationLimit,
                             int maxBlockwiseBodiesPerAddress, Duration blockwiseFirstBlockLifetime,
                             long maxClientBlockwiseBytes, int maxTokenLength,
                             double requestRateLimit, int requestBurst, int maxRateLimitedPeers,
                             int tooManyRequestsRetries, int maxMulticastResponses) {
    private static final EndpointConfig DEFAULTS = new Builder().build();

    /**
     * The body limit of {@link #clientDefaults()}: 16 MiB, the largest response body a client
     * assembles from blocks by default (RFC 7959 §2.9.3); the buffer grows with the body received,
     * not with the server's Size2 claim.
     */
    public static final int CLIENT_MAX_BODY_SIZE = 16 * 1024 * 1024;

    private static final EndpointConfig CLIENT_DEFAULTS = new Builder().maxBodySize(CLIENT_MAX_BODY_SIZE).build();

    /** Validates every field. */
    public EndpointConfig {
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        Objects.requireNonNull(maxLatency, "maxLatency");
        Objects.requireNonNull(separateResponseDelay, "separateResponseDelay");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(blockwiseLifetime, "blockwiseLifetime");
        positive(blockwiseLifetime, "blockwiseLifetime");
        if (!Block.isValidSize(preferredBlockSize)) {
            throw new IllegalArgumentException(
                    "preferredBlockSize must be a power of two from 16 to 1024 (RFC 7959 §2.2): " + preferredBlockSize);
        }
        Objects.requireNonNull(multicastLeisure, "multicastLeisure");
        positive(ackTimeout, "ackTimeout");
        Objects.requireNonNull(handlerTimeout, "handlerTimeout");
        positive(handlerTimeout, "handlerTimeout");
        Objects.requireNonNull(verifiedPeerLifetime, "verifiedPeerLifetime");
        positive(verifiedPeerLifetime, "verifiedPeerLifetime");
        Objects.requireNonNull(blockwiseFirstBlockLifetime, "blockwiseFirstBlockLifetime");
        positive(blockwiseFirstBlockLifetime, "blockwiseFirstBlockLifetime");
        atLeastOne(maxBlockwiseBodiesPerAddress, "maxBlockwiseBodiesPerAddress");
        if (maxClientBlockwiseBytes < 1) {
            throw new IllegalArgumentException("maxClientBlockwiseBytes must be >= 1: " + maxClientBlockwiseBytes);
        }
        if (amplificationLimit < 0) {
            throw new IllegalArgumentException("amplificationLimit must be >= 0 (0 disables): " + amplificationLimit);
        }
        if (multicastAmplificationLimit < 0) {
            throw new IllegalArgumentException("multicastAmplificationLimit must be >= 0 (0 lifts it): "
                    + multicastAmplificationLimit);
        }
        positive(requestTimeout, "requestTimeout");
        if (ackRandomFactor < 1.0) {
            throw new IllegalArgumentException("ackRandomFactor must be >= 1 (RFC 7252 §4.8): " + ackRandomFactor);
        }
        if (maxRetransmit < 0 || maxRetransmit > 20) {
            throw new IllegalArgumentException("maxRetransmit must be 0..20: " + maxRetransmit);
        }
        if (nstart < 1) {
            throw new IllegalArgumentException("nstart must be >= 1: " + nstart);
        }
        if (maxTokenLength < dev.tern.coap.internal.codec.Message.SHORT_TOKEN_LENGTH
                || maxTokenLength > dev.tern.coap.internal.codec.Message.MAX_TOKEN_LENGTH) {
            throw new IllegalArgumentException("maxTokenLength must be 8..65804 (RFC 8974 §2.1): " + maxTokenLength);
        }
        if (tokenLength < 0 || tokenLength > maxTokenLength
                || !dev.tern.coap.internal.codec.Message.isEncodableTokenLength(tokenLength)) {
            throw new IllegalArgumentException("tokenLength must be 0..8 or 13.." + maxTokenLength
                    + " (maxTokenLength; RFC 8974 §2.1): " + tokenLength);
        }
        if (!(requestRateLimit >= 0) || Double.isInfinite(requestRateLimit)) {
            throw new IllegalArgumentException("requestRateLimit must be >= 0 (0 disables): " + requestRateLimit);
        }
        atLeastOne(requestBurst, "requestBurst");
        atLeastOne(maxRateLimitedPeers, "maxRateLimitedPeers");
        if (tooManyRequestsRetries < 0) {
            throw new IllegalArgumentException("tooManyRequestsRetries must be >= 0: " + tooManyRequestsRetries);
        }
        if (separateResponseDelay.isNegative() || maxLatency.isNegative() || multicastLeisure.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
        atLeastOne(maxPayload, "maxPayload");
        atLeastOne(maxDeduplicationEntries, "maxDeduplicationEntries");
        atLeastOne(maxPeers, "maxPeers");
        atLeastOne(maxClientExchanges, "maxClientExchanges");
        atLeastOne(maxMulticastResponses, "maxMulticastResponses");
        atLeastOne(maxObservers, "maxObservers");
        atLeastOne(conNotificationInterval, "conNotificationInterval");
        atLeastOne(maxBodySize, "maxBodySize");
        atLeastOne(maxBlockwiseTransfers, "maxBlockwiseTransfers");
    }

    private static void positive(Duration d, String name) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    private static void atLeastOne(int v, String name) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1: " + v);
        }
    }

    /** The RFC 7252 §4.8 defaults. */
    public static EndpointConfig defaults() {
        return DEFAULTS;
    }

    /**
     * The defaults for a client: {@link #defaults()} with {@code maxBodySize}
     * {@value #CLIENT_MAX_BODY_SIZE} bytes. {@link CoapClient.Builder} starts from these; a client
     * configured with its own settings should start from {@code clientDefaults().toBuilder()}
     * (a configuration from {@link #builder()} keeps the server's 64 KiB body limit).
     */
    public static EndpointConfig clientDefaults() {
        return CLIENT_DEFAULTS;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** MAX_TRANSMIT_SPAN = ACK_TIMEOUT * (2^MAX_RETRANSMIT - 1) * ACK_RANDOM_FACTOR, 45 s (§4.8.2). */
    public Duration maxTransmitSpan() {
        return scaled(ackTimeout, ((1L << maxRetransmit) - 1) * ackRandomFactor);
    }

    /** MAX_TRANSMIT_WAIT = ACK_TIMEOUT * (2^(MAX_RETRANSMIT + 1) - 1) * ACK_RANDOM_FACTOR, 93 s (§4.8.2). */
    public Duration maxTransmitWait() {
        return scaled(ackTimeout, ((1L << (maxRetransmit + 1)) - 1) * ackRandomFactor);
    }

    /** PROCESSING_DELAY = ACK_TIMEOUT (§4.8.2). */
    public Duration processingDelay() {
        return ackTimeout;
    }

    /** EXCHANGE_LIFETIME = MAX_TRANSMIT_SPAN + 2 * MAX_LATENCY + PROCESSING_DELAY, 247 s (§4.8.2). */
    public Duration exchangeLifetime() {
        return maxTransmitSpan().plus(maxLatency.multipliedBy(2)).plus(processingDelay());
    }

    /** NON_LIFETIME = MAX_TRANSMIT_SPAN + MAX_LATENCY, 145 s (§4.8.2). */
    public Duration nonLifetime() {
        return maxTransmitSpan().plus(maxLatency);
    }

    private static Duration scaled(Duration d, double factor) {
        return Duration.ofNanos(Math.round(d.toNanos() * factor));
    }

    /** Builds an {@link EndpointConfig}; unset fields keep the defaults. */
    public static final class Builder {
        private Duration ackTimeout = Duration.ofSeconds(2);
        private double ackRandomFactor = 1.5;
        private int maxRetransmit = 4;
        private int nstart = 1;
        private Duration maxLatency = Duration.ofSeconds(100);
        private Duration separateResponseDelay = Duration.ofSeconds(1);
        private Duration requestTimeout;
        private int tokenLength = 8;
        private int maxPayload = 8192;
        private int maxDeduplicationEntries = 100_000;
        private int maxPeers = 100_000;
        private int maxClientExchanges = 100_000;
        private int maxMulticastResponses = 1000;
        private int maxObservers = 50_000;
        private int conNotificationInterval = 20;
        private int preferredBlockSize = 1024;
        private int maxBodySize = 65_536;
        private int maxBlockwiseTransfers = 256;
        private Duration blockwiseLifetime = Duration.ofMinutes(5);
        private Duration multicastLeisure = Duration.ofSeconds(5);
        private Duration handlerTimeout = Duration.ofSeconds(30);
        private int amplificationLimit = 0;
        private Duration verifiedPeerLifetime = Duration.ofMinutes(10);
        private int multicastAmplificationLimit = 3;
        private int maxBlockwiseBodiesPerAddress = 4;
        private Duration blockwiseFirstBlockLifetime = Duration.ofSeconds(10);
        private long maxClientBlockwiseBytes = 16L << 20;
        private int maxTokenLength = 32;
        private double requestRateLimit = 0;
        private int requestBurst = 10;
        private int maxRateLimitedPeers = 10_000;
        private int tooManyRequestsRetries = 0;

        private Builder() {
        }

        private Builder(EndpointConfig c) {
            ackTimeout = c.ackTimeout;
            ackRandomFactor = c.ackRandomFactor;
            maxRetransmit = c.maxRetransmit;
            nstart = c.nstart;
            maxLatency = c.maxLatency;
            separateResponseDelay = c.separateResponseDelay;
            requestTimeout = c.requestTimeout;
            tokenLength = c.tokenLength;
            maxPayload = c.maxPayload;
            maxDeduplicationEntries = c.maxDeduplicationEntries;
            maxPeers = c.maxPeers;
            maxClientExchanges = c.maxClientExchanges;
            maxMulticastResponses = c.maxMulticastResponses;
            maxObservers = c.maxObservers;
            conNotificationInterval = c.conNotificationInterval;
            preferredBlockSize = c.preferredBlockSize;
            maxBodySize = c.maxBodySize;
            maxBlockwiseTransfers = c.maxBlockwiseTransfers;
            blockwiseLifetime = c.blockwiseLifetime;
            multicastLeisure = c.multicastLeisure;
            handlerTimeout = c.handlerTimeout;
            amplificationLimit = c.amplificationLimit;
            verifiedPeerLifetime = c.verifiedPeerLifetime;
            multicastAmplificationLimit = c.multicastAmplificationLimit;
            maxBlockwiseBodiesPerAddress = c.maxBlockwiseBodiesPerAddress;
            blockwiseFirstBlockLifetime = c.blockwiseFirstBlockLifetime;
            maxClientBlockwiseBytes = c.maxClientBlockwiseBytes;
            maxTokenLength = c.maxTokenLength;
            requestRateLimit = c.requestRateLimit;
            requestBurst = c.requestBurst;
            maxRateLimitedPeers = c.maxRateLimitedPeers;
            tooManyRequestsRetries = c.tooManyRequestsRetries;
        }

        /** ACK_TIMEOUT. */
        public Builder ackTimeout(Duration v) {
            ackTimeout = v;
            return this;
        }

        /** ACK_RANDOM_FACTOR. */
        public Builder ackRandomFactor(double v) {
            ackRandomFactor = v;
            return this;
        }

        /** MAX_RETRANSMIT. */
        public Builder maxRetransmit(int v) {
            maxRetransmit = v;
            return this;
        }

        /** NSTART. */
        public Builder nstart(int v) {
            nstart = v;
            return this;
        }

        /** MAX_LATENCY. */
        public Builder maxLatency(Duration v) {
            maxLatency = v;
            return this;
        }

        /** Delay before a server acknowledges and answers separately. */
        public Builder separateResponseDelay(Duration v) {
            separateResponseDelay = v;
            return this;
        }

        /** Default client request timeout; unset means MAX_TRANSMIT_WAIT. */
        public Builder requestTimeout(Duration v) {
            requestTimeout = v;
            return this;
        }

        /** Token length of generated tokens. */
        public Builder tokenLength(int v) {
            tokenLength = v;
            return this;
        }

        /** Largest accepted request payload. */
        public Builder maxPayload(int v) {
            maxPayload = v;
            return this;
        }

        /** Deduplication cache bound. */
        public Builder maxDeduplicationEntries(int v) {
            maxDeduplicationEntries = v;
            return this;
        }

        /** Peer table bound. */
        public Builder maxPeers(int v) {
            maxPeers = v;
            return this;
        }

        /** Client exchange bound. */
        public Builder maxClientExchanges(int v) {
            maxClientExchanges = v;
            return this;
        }

        /** Bound of the responses a client keeps for one group request (RFC 7252 §8.1), default 1000. */
        public Builder maxMulticastResponses(int v) {
            maxMulticastResponses = v;
            return this;
        }

        /** Observe relation bound (RFC 7641 §4.1). */
        public Builder maxObservers(int v) {
            maxObservers = v;
            return this;
        }

        /** Every n-th NON notification goes as CON (RFC 7641 §4.5). */
        public Builder conNotificationInterval(int v) {
            conNotificationInterval = v;
            return this;
        }

        /** Block size for block-wise transfers, a power of two from 16 to 1024 (RFC 7959 §2.2). */
        public Builder preferredBlockSize(int v) {
            preferredBlockSize = v;
            return this;
        }

        /** Largest body assembled from blocks (RFC 7959 §2.9.3). */
        public Builder maxBodySize(int v) {
            maxBodySize = v;
            return this;
        }

        /** Bound of a server's block-wise transfer state (RFC 7959 §2.4, §2.5). */
        public Builder maxBlockwiseTransfers(int v) {
            maxBlockwiseTransfers = v;
            return this;
        }

        /** How long a server keeps an idle block-wise transfer. */
        public Builder blockwiseLifetime(Duration v) {
            blockwiseLifetime = v;
            return this;
        }

        /** Longest random delay before answering a multicast request (RFC 7252 §8.2 Leisure). */
        public Builder multicastLeisure(Duration v) {
            multicastLeisure = v;
            return this;
        }

        /** How long a server waits for a handler before it answers 5.03; must be positive. */
        public Builder handlerTimeout(Duration v) {
            handlerTimeout = v;
            return this;
        }

        /**
         * Amplification factor for unverified peers (RFC 9175 §2.4); 0 disables (the default), 3 is
         * the recommended value for a server reachable from the Internet.
         */
        public Builder amplificationLimit(int v) {
            amplificationLimit = v;
            return this;
        }

        /** How long a peer stays verified after an Echo round trip. */
        public Builder verifiedPeerLifetime(Duration v) {
            verifiedPeerLifetime = v;
            return this;
        }

        /**
         * The multiplier of responses to group requests (RFC 7252 §11.3, RFC 9175 §2.4), default 3;
         * 0 lifts it for every route. See {@link EndpointConfig#multicastAmplificationLimit()}.
         */
        public Builder multicastAmplificationLimit(int v) {
            multicastAmplificationLimit = v;
            return this;
        }

        /** Bound of Block1 bodies a server assembles per source address (RFC 7959 §2.5). */
        public Builder maxBlockwiseBodiesPerAddress(int v) {
            maxBlockwiseBodiesPerAddress = v;
            return this;
        }

        /** How long a server keeps a Block1 body that has only its block 0 (RFC 7959 §2.5). */
        public Builder blockwiseFirstBlockLifetime(Duration v) {
            blockwiseFirstBlockLifetime = v;
            return this;
        }

        /** Budget of bytes a client holds for block-wise downloads in progress (RFC 7959 §2.4). */
        public Builder maxClientBlockwiseBytes(long v) {
            maxClientBlockwiseBytes = v;
            return this;
        }

        /** The longest token a server accepts, 8..65 804 (RFC 8974 §2.2.2); longer gets 4.00. */
        public Builder maxTokenLength(int v) {
            maxTokenLength = v;
            return this;
        }

        /** Per-peer request rate limit of a server, requests per second; 0 disables (RFC 8516). */
        public Builder requestRateLimit(double v) {
            requestRateLimit = v;
            return this;
        }

        /** Requests a peer may send at once before the rate limit applies (the bucket size). */
        public Builder requestBurst(int v) {
            requestBurst = v;
            return this;
        }

        /** Bound of the rate limiter's peer table (least recently seen forgotten beyond it). */
        public Builder maxRateLimitedPeers(int v) {
            maxRateLimitedPeers = v;
            return this;
        }

        /** Retries of a client after 4.29 Too Many Requests, each after its Max-Age (RFC 8516 §3). */
        public Builder tooManyRequestsRetries(int v) {
            tooManyRequestsRetries = v;
            return this;
        }

        /** The validated configuration. */
        public EndpointConfig build() {
            Duration timeout = requestTimeout;
            if (timeout == null) {
                timeout = scaled(ackTimeout, ((1L << (maxRetransmit + 1)) - 1) * ackRandomFactor);
            }
            return new EndpointConfig(ackTimeout, ackRandomFactor, maxRetransmit, nstart, maxLatency,
                    separateResponseDelay, timeout, tokenLength, maxPayload, maxDeduplicationEntries, maxPeers,
                    maxClientExchanges, maxObservers, conNotificationInterval,
                    preferredBlockSize, maxBodySize, maxBlockwiseTransfers, blockwiseLifetime,
                    multicastLeisure, handlerTimeout, amplificationLimit, verifiedPeerLifetime,
                    multicastAmplificationLimit,
                    maxBlockwiseBodiesPerAddress, blockwiseFirstBlockLifetime, maxClientBlockwiseBytes, maxTokenLength,
                    requestRateLimit, requestBurst, maxRateLimitedPeers, tooManyRequestsRetries, maxMulticastResponses);
        }
    }
}
