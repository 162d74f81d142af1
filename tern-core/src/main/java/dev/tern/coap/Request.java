package dev.tern.coap;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An immutable CoAP request (RFC 7252 §5.8): method, options, payload, and the peer — the
 * destination when a client sends it, the source when a server receives it.
 *
 * <pre>{@code
 * Request r = Request.post("coap://localhost/echo").payload("hi").contentFormat(ContentFormat.TEXT_PLAIN).build();
 * }</pre>
 */
public final class Request {
    private static final InetSocketAddress UNSET_PEER = InetSocketAddress.createUnresolved("localhost", 5683);
    private static final Runnable NO_ACK = () -> { };
    private static final java.util.function.Predicate<ObservableResource> NO_OBSERVE = source -> false;
    private static final java.util.function.Consumer<String> NO_RECORDER = template -> { };

    private final Method method;
    private final Options options;
    private final Bytes payload;
    private final boolean confirmable;
    private final InetSocketAddress peer;
    private final String scheme;
    private final Duration timeout;
    private final Bytes token;
    private final Map<String, String> pathParams;
    private final Runnable acknowledger;
    private final java.util.function.Predicate<ObservableResource> observeHandler;
    private final java.util.function.Consumer<String> routeRecorder;
    private final boolean multicast;
    private final Runnable groupLimitRelease;
    private final int blockSize;
    private final TransferProgress progress;
    private final PeerIdentity peerIdentity;
    /** Set by the engine on the request it passes again for each observe notification. */
    private final boolean repeated;

    static {
        dev.tern.coap.internal.api.ApiAccess.install(new EngineAccess());
    }

    private Request(Builder b) {
        this.method = b.method;
        this.options = b.builtOptions();
        this.payload = b.payload;
        this.confirmable = b.confirmable;
        this.peer = b.peer;
        this.scheme = b.scheme;
        this.timeout = b.timeout;
        this.token = b.token;
        this.pathParams = Map.copyOf(b.pathParams);
        this.acknowledger = b.acknowledger;
        this.observeHandler = b.observeHandler;
        this.routeRecorder = b.routeRecorder;
        this.multicast = b.multicast;
        this.groupLimitRelease = b.groupLimitRelease;
        this.blockSize = b.blockSize;
        this.progress = b.progress;
        this.peerIdentity = b.peerIdentity;
        this.repeated = b.repeated;
    }

    /** A builder for {@code method} with no URI yet. */
    public static Builder builder(Method method) {
        return new Builder(method);
    }

    /** A builder for {@code method} to {@code uri} (RFC 7252 §6.4). */
    public static Builder builder(Method method, String uri) {
        return new Builder(method).uri(uri);
    }

    /** GET {@code uri}. */
    public static Builder get(String uri) {
        return builder(Method.GET, uri);
    }

    /** POST {@code uri}. */
    public static Builder post(String uri) {
        return builder(Method.POST, uri);
    }

    /** PUT {@code uri}. */
    public static Builder put(String uri) {
        return builder(Method.PUT, uri);
    }

    /** DELETE {@code uri}. */
    public static Builder delete(String uri) {
        return builder(Method.DELETE, uri);
    }

    /** FETCH {@code uri} (RFC 8132). */
    public static Builder fetch(String uri) {
        return builder(Method.FETCH, uri);
    }

    /** PATCH {@code uri} (RFC 8132). */
    public static Builder patch(String uri) {
        return builder(Method.PATCH, uri);
    }

    /** iPATCH {@code uri} (RFC 8132). */
    public static Builder ipatch(String uri) {
        return builder(Method.IPATCH, uri);
    }

    /** A builder initialised from this request. */
    public Builder toBuilder() {
        return toBuilder(method);
    }

    /**
     * This request with another method, options and payload, keeping what the engine knows of it
     * (peer, scheme, token, type, timeout, the acknowledge action, multicast); for a layer between
     * the engine and the application ({@link dev.tern.coap.spi.LayeredRequests}).
     */
    Request rewritten(Method newMethod, Options newOptions, Bytes newPayload, PeerIdentity identity,
                      boolean observable) {
        return rewritten(newMethod, newOptions, newPayload, identity, observable ? null : NO_OBSERVE);
    }

    /** As above; {@code observeHandler} replaces the action of {@link #observe} unless null. */
    Request rewritten(Method newMethod, Options newOptions, Bytes newPayload, PeerIdentity identity,
                      java.util.function.Predicate<ObservableResource> observeHandler) {
        Builder b = toBuilder(newMethod);
        b.base = Objects.requireNonNull(newOptions, "options");
        b.payload = Objects.requireNonNull(newPayload, "payload");
        if (identity != null) {
            b.peerIdentity = identity;
        }
        if (observeHandler != null) {
            b.observeHandler = observeHandler;
        }
        return b.build();
    }

    private Builder toBuilder(Method newMethod) {
        Builder b = new Builder(newMethod);
        b.base = options;
        b.payload = payload;
        b.confirmable = confirmable;
        b.peer = peer;
        b.scheme = scheme;
        b.timeout = timeout;
        b.token = token;
        b.pathParams = pathParams;
        b.acknowledger = acknowledger;
        b.observeHandler = observeHandler;
        b.routeRecorder = routeRecorder;
        b.multicast = multicast;
        b.groupLimitRelease = groupLimitRelease;
        b.blockSize = blockSize;
        b.progress = progress;
        b.peerIdentity = peerIdentity;
        b.repeated = repeated;
        return b;
    }

    /** Whether the engine passes this request again, for an observe notification (RFC 7641 §4.2). */
    boolean isRepeated() {
        return repeated;
    }

    /** The method. */
    public Method method() {
        return method;
    }

    /** All options, including Uri-* options. */
    public Options options() {
        return options;
    }

    /** The payload; empty when there is none. */
    public Bytes payload() {
        return payload;
    }

    /** The payload decoded as UTF-8. */
    public String payloadString() {
        return payload.utf8();
    }

    /** CON (true) or NON (false), RFC 7252 §4.2/§4.3. */
    public boolean isConfirmable() {
        return confirmable;
    }

    /** The destination (client side) or the source (server side) of the request. */
    public InetSocketAddress peer() {
        return peer;
    }

    /** {@code coap} or {@code coaps}. */
    public String scheme() {
        return scheme;
    }

    /**
     * Server side: who the requester authenticated as in the DTLS handshake (PSK identity, raw
     * public key or certificate), so that a handler can authorize by it; empty over plain UDP.
     */
    public Optional<PeerIdentity> peerIdentity() {
        return Optional.ofNullable(peerIdentity);
    }

    /** The time this request may take before it fails with {@link CoapTimeoutException}; default from the client. */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** The token to use; empty lets the client pick a random one (RFC 7252 §5.3.1). */
    public Optional<Bytes> token() {
        return Optional.ofNullable(token);
    }

    /** The path, e.g. {@code /sensors/temp}; {@code /} when there are no Uri-Path options. */
    public String path() {
        return options.uriPathString();
    }

    /** The Uri-Path segments. */
    public List<String> pathSegments() {
        return options.uriPath();
    }

    /** The value a route's path template bound to {@code {name}}. */
    public Optional<String> pathParam(String name) {
        Objects.requireNonNull(name, "name");
        return Optional.ofNullable(pathParams.get(name));
    }

    /** All bound path parameters. */
    public Map<String, String> pathParams() {
        return pathParams;
    }

    /** The Uri-Query arguments. */
    public List<String> query() {
        return options.uriQuery();
    }

    /** The value of the first {@code name=value} query argument; an argument {@code name} alone gives "". */
    public Optional<String> queryParam(String name) {
        Objects.requireNonNull(name, "name");
        for (String q : options.uriQuery()) {
            int eq = q.indexOf('=');
            String k = eq < 0 ? q : q.substring(0, eq);
            if (k.equals(name)) {
                return Optional.of(eq < 0 ? "" : q.substring(eq + 1));
            }
        }
        return Optional.empty();
    }

    /** Content-Format of the payload. */
    public OptionalInt contentFormat() {
        return options.contentFormat();
    }

    /** Whether the server received it on a multicast address (RFC 7252 §8). */
    public boolean isMulticast() {
        return multicast;
    }

    /**
     * Server side, for the {@link Router}: the response to this group request may exceed
     * {@link EndpointConfig#multicastAmplificationLimit()} (a route opted out with
     * {@link RouteOptions#multicastUncapped()}, RFC 7252 §11.3).
     */
    void releaseGroupLimit() {
        groupLimitRelease.run();
    }

    /** Client side: the block size set by {@link Builder#blockSize(int)} (RFC 7959 §2.2), if any. */
    public OptionalInt blockSize() {
        return blockSize == 0 ? OptionalInt.empty() : OptionalInt.of(blockSize);
    }

    /** Told after each block of a block-wise transfer (RFC 7959); empty when nobody listens. */
    public Optional<TransferProgress> progress() {
        return Optional.ofNullable(progress);
    }

    /** The full URI, composed from the peer and the options (RFC 7252 §6.5). */
    public String uri() {
        return CoapUri.of(scheme, peer.getHostString(), peer.getPort(), options).toString();
    }

    /**
     * Server side: sends the empty ACK now, so that the response follows as a separate message
     * (RFC 7252 §5.2.2). Call it before long work; a no-op for NON requests and on the client side.
     */
    public void acknowledge() {
        acknowledger.run();
    }

    /**
     * Server side: registers the requester as an observer of {@code source} when this is a GET
     * with Observe=0 (RFC 7641 §4.1). The registration takes effect when the handler answers with
     * a 2.xx response, which then carries the Observe option. Returns false — and the request is
     * served as a plain GET — when it is not an observe registration, on the client side, or when
     * the server's observer limit is reached.
     */
    public boolean observe(ObservableResource source) {
        return observeHandler.test(Objects.requireNonNull(source, "source"));
    }

    /** The {@link Router} took the route with this path template: told to the server's metrics. */
    void routed(String pathTemplate) {
        routeRecorder.accept(pathTemplate);
    }

    /** Whether the request carries Observe=0, asking to register (RFC 7641 §2). */
    public boolean isObserveRegistration() {
        return method == Method.GET && options.observe().orElse(-1) == 0;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Request r && method == r.method && confirmable == r.confirmable
                && options.equals(r.options) && payload.equals(r.payload) && peer.equals(r.peer)
                && scheme.equals(r.scheme) && Objects.equals(timeout, r.timeout) && Objects.equals(token, r.token)
                && pathParams.equals(r.pathParams) && multicast == r.multicast && blockSize == r.blockSize);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, options, payload, confirmable, peer, token);
    }

    /** {@code CON GET /path [options] n B}. */
    @Override
    public String toString() {
        return (confirmable ? "CON " : "NON ") + method.wireName() + " " + path() + " " + options
                + (payload.isEmpty() ? "" : " " + payload.length() + " B");
    }

    /** Builds a {@link Request}. */
    public static final class Builder {
        private final Method method;
        private Options base = Options.EMPTY;
        private Options.Builder edits;
        private Bytes payload = Bytes.EMPTY;
        private boolean confirmable = true;
        private InetSocketAddress peer = UNSET_PEER;
        private String scheme = "coap";
        private Duration timeout;
        private Bytes token;
        private Map<String, String> pathParams = Map.of();
        private Runnable acknowledger = NO_ACK;
        private java.util.function.Predicate<ObservableResource> observeHandler = NO_OBSERVE;
        private java.util.function.Consumer<String> routeRecorder = NO_RECORDER;
        private boolean multicast;
        private Runnable groupLimitRelease = NO_ACK;
        private int blockSize;
        private TransferProgress progress;
        private PeerIdentity peerIdentity;
        private boolean repeated;

        private Builder(Method method) {
            this.method = Objects.requireNonNull(method, "method");
        }

        /**
         * Sets the destination and the Uri-* options from a {@code coap://} or {@code coaps://} URI
         * (RFC 7252 §6.4). The host is resolved when the request is sent.
         */
        public Builder uri(String uri) {
            return uri(CoapUri.parse(uri));
        }

        /** Sets the scheme, the Uri-* options and the peer from a parsed {@code uri}, as {@link #uri(String)}. */
        public Builder uri(CoapUri u) {
            Objects.requireNonNull(u, "uri");
            edit().remove(OptionNumber.URI_HOST).remove(OptionNumber.URI_PORT).remove(OptionNumber.URI_PATH)
                    .remove(OptionNumber.URI_QUERY).addAll(u.toOptions());
            scheme = u.scheme();
            peer = InetSocketAddress.createUnresolved(u.host(), u.port());
            return this;
        }

        /**
         * Client side: sends to this address instead of resolving the URI's host, e.g. one resolved
         * already (RFC 7252 §6.4 step 5); the Uri-Host option stays as the URI set it.
         */
        public Builder peer(InetSocketAddress peer) {
            this.peer = Objects.requireNonNull(peer, "peer");
            return this;
        }

        /** Server engine: the scheme, {@code coap} or {@code coaps}; a client sets it with {@link #uri(String)}. */
        Builder scheme(String scheme) {
            this.scheme = Objects.requireNonNull(scheme, "scheme");
            return this;
        }

        /** Sets the authenticated peer (the server engine does this for DTLS requests; null for none). */
        Builder peerIdentity(PeerIdentity identity) {
            this.peerIdentity = identity;
            return this;
        }

        /** Sets the path (Uri-Path options from {@code /a/b}). */
        public Builder path(String path) {
            Objects.requireNonNull(path, "path");
            edit().uriPath(path);
            return this;
        }

        /** Adds a Uri-Query argument. */
        public Builder query(String argument) {
            Objects.requireNonNull(argument, "argument");
            edit().uriQuery(argument);
            return this;
        }

        /** Replaces all options. */
        public Builder options(Options all) {
            base = Objects.requireNonNull(all, "options");
            edits = null;
            return this;
        }

        /** Adds an option. */
        public Builder option(Option option) {
            Objects.requireNonNull(option, "option");
            edit().add(option);
            return this;
        }

        /** Edits options in place. */
        public Builder options(java.util.function.Consumer<Options.Builder> editor) {
            Objects.requireNonNull(editor, "editor");
            editor.accept(edit());
            return this;
        }

        /** Sets Content-Format. */
        public Builder contentFormat(int format) {
            edit().contentFormat(format);
            return this;
        }

        /** Sets Accept. */
        public Builder accept(int format) {
            edit().accept(format);
            return this;
        }

        /** Sets the payload. */
        public Builder payload(Bytes payload) {
            this.payload = Objects.requireNonNull(payload, "payload");
            return this;
        }

        /** Sets the payload (copied). */
        public Builder payload(byte[] payload) {
            Objects.requireNonNull(payload, "payload");
            return payload(Bytes.of(payload));
        }

        /** Sets a UTF-8 text payload. */
        public Builder payload(String text) {
            Objects.requireNonNull(text, "text");
            return payload(Bytes.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }

        /** CON (default) or NON. */
        public Builder confirmable(boolean confirmable) {
            this.confirmable = confirmable;
            return this;
        }

        /** Sends as a Non-confirmable message (RFC 7252 §4.3). */
        public Builder nonConfirmable() {
            return confirmable(false);
        }

        /** Fails the request with {@link CoapTimeoutException} when no response arrives within {@code timeout}. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Uses this token instead of a random one: 0..8 bytes, or 13..65 804 bytes as an extended
         * token (RFC 8974 §2.1; a server accepts up to its {@code maxTokenLength}).
         */
        public Builder token(Bytes token) {
            Objects.requireNonNull(token, "token");
            if (!dev.tern.coap.internal.codec.Message.isEncodableTokenLength(token.length())) {
                throw new IllegalArgumentException("token length " + token.length()
                        + " cannot be encoded: 0..8 or 13..65804 bytes (RFC 8974 §2.1)");
            }
            this.token = token;
            return this;
        }

        /** Binds path template parameters; set by the {@link Router}. */
        Builder pathParams(Map<String, String> params) {
            Objects.requireNonNull(params, "params");
            this.pathParams = Map.copyOf(params);
            return this;
        }

        /** The action of {@link Request#acknowledge()}; set by the server engine. */
        Builder acknowledger(Runnable acknowledger) {
            this.acknowledger = Objects.requireNonNull(acknowledger, "acknowledger");
            return this;
        }

        /** Marks a request the server engine passes again for an observe notification (RFC 7641 §4.2). */
        Builder repeated() {
            this.repeated = true;
            return this;
        }

        /** The action of {@link Request#observe(ObservableResource)}; set by the server engine. */
        Builder observeHandler(java.util.function.Predicate<ObservableResource> handler) {
            this.observeHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Told the path template of the {@link Router} route that serves the request (RFC 7252
         * §5.7.2), for the server's metrics ({@code spi.EndpointMetrics}); set by the server engine.
         */
        Builder routeRecorder(java.util.function.Consumer<String> recorder) {
            this.routeRecorder = Objects.requireNonNull(recorder, "recorder");
            return this;
        }

        /** Sets Observe=0 to register as an observer (RFC 7641 §3.1); {@code CoapClient.observe} does this. */
        public Builder observe() {
            edit().observe(0);
            return this;
        }

        /** Marks a request received on a multicast address; set by the server engine. */
        Builder multicast(boolean multicast) {
            this.multicast = multicast;
            return this;
        }

        /**
         * What the {@link Router} runs when the route of a group request opted out of the multiplier
         * (RFC 7252 §11.3, {@link RouteOptions#multicastUncapped()}); set by the server engine.
         */
        Builder groupLimitRelease(Runnable action) {
            this.groupLimitRelease = Objects.requireNonNull(action, "action");
            return this;
        }

        /** Options are copied into a builder only when edited, so passing a ready set costs nothing. */
        private Options.Builder edit() {
            if (edits == null) {
                edits = base.toBuilder();
            }
            return edits;
        }

        private Options builtOptions() {
            return edits == null ? base : edits.build();
        }

        /**
         * Client side: the block size (RFC 7959 §2.2; 16..1024, a power of two) instead of
         * {@link EndpointConfig#preferredBlockSize()}, for a Block1 body (§2.5) and asked for up front
         * with Block2 NUM 0 (early negotiation, §2.4). The response still carries the whole body.
         */
        public Builder blockSize(int size) {
            Block.szx(size);
            this.blockSize = size;
            return this;
        }

        /** Client side: told after each block of a block-wise transfer, e.g. to draw a progress bar. */
        public Builder progress(TransferProgress listener) {
            this.progress = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Client side: asks for block {@code num} of {@code size} bytes (Block2, RFC 7959 §2.4), and gets only it. */
        public Builder block2(int num, int size) {
            edit().set(OptionNumber.BLOCK2, Block.ofSize(num, false, size).value());
            return this;
        }

        /** The immutable request. */
        public Request build() {
            return new Request(this);
        }
    }
}
