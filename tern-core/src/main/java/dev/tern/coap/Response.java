package dev.tern.coap;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An immutable CoAP response (RFC 7252 §5.9): a code, options and a payload. 4.xx and 5.xx are
 * ordinary responses, not exceptions.
 *
 * <pre>{@code
 * Response r = Response.content("Hello World!");                 // 2.05, text/plain
 * Response c = Response.builder(Code.CREATED).locationPath("/items/7").build();
 * }</pre>
 */
public final class Response {
    private final Code code;
    private final Options options;
    private final Bytes payload;
    private final InetSocketAddress peer;
    /** Server side: what runs once the engine is done with this response ({@link Builder#whenSent}); null for nothing. */
    final Runnable whenSent;

    private Response(Builder b) {
        this.code = b.code;
        this.options = b.builtOptions();
        this.payload = b.payload;
        this.peer = b.peer;
        this.whenSent = b.whenSent;
    }

    /** A builder for {@code code}, which must be a response code (class 2, 4 or 5). */
    public static Builder builder(Code code) {
        Objects.requireNonNull(code, "code");
        return new Builder(code);
    }

    /** A response with only a code. */
    public static Response of(Code code) {
        Objects.requireNonNull(code, "code");
        return new Builder(code).build();
    }

    /** A response with a code and a text/plain diagnostic or content payload. */
    public static Response of(Code code, String text) {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(text, "text");
        return new Builder(code).payload(text).contentFormat(ContentFormat.TEXT_PLAIN).build();
    }

    /** 2.05 Content with a text/plain payload. */
    public static Response content(String text) {
        Objects.requireNonNull(text, "text");
        return of(Code.CONTENT, text);
    }

    /** 2.05 Content with a payload of the given Content-Format. */
    public static Response content(Bytes payload, int contentFormat) {
        Objects.requireNonNull(payload, "payload");
        return new Builder(Code.CONTENT).payload(payload).contentFormat(contentFormat).build();
    }

    /** A builder initialised from this response. */
    public Builder toBuilder() {
        Builder b = new Builder(code);
        b.base = options;
        b.payload = payload;
        b.peer = peer;
        b.whenSent = whenSent;
        return b;
    }

    /** The response code. */
    public Code code() {
        return code;
    }

    /** The options. */
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

    /** Content-Format of the payload. */
    public OptionalInt contentFormat() {
        return options.contentFormat();
    }

    /** Whether the code is of class 2 (Success). */
    public boolean isSuccess() {
        return code.isSuccess();
    }

    /** Client side: the endpoint that sent the response; empty for responses built by a handler. */
    public Optional<InetSocketAddress> peer() {
        return Optional.ofNullable(peer);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Response r && code.equals(r.code) && options.equals(r.options)
                && payload.equals(r.payload) && Objects.equals(peer, r.peer));
    }

    @Override
    public int hashCode() {
        return Objects.hash(code, options, payload);
    }

    /** {@code 2.05 Content [options] n B}. */
    @Override
    public String toString() {
        return code + " " + code.reason() + " " + options + (payload.isEmpty() ? "" : " " + payload.length() + " B");
    }

    /** Builds a {@link Response}. */
    public static final class Builder {
        private final Code code;
        private Options base = Options.EMPTY;
        private Options.Builder edits;
        private Bytes payload = Bytes.EMPTY;
        private InetSocketAddress peer;
        /** Package-private for {@link EngineAccess#withoutWhenSent}. */
        Runnable whenSent;

        private Builder(Code code) {
            if (!code.isResponse()) {
                throw new IllegalArgumentException("not a response code: " + code);
            }
            this.code = code;
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

        /** Sets a UTF-8 text payload (the Content-Format is not set by this method). */
        public Builder payload(String text) {
            Objects.requireNonNull(text, "text");
            return payload(Bytes.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }

        /** Replaces all options. */
        public Builder options(Options all) {
            base = Objects.requireNonNull(all, "options");
            edits = null;
            return this;
        }

        /** Edits options in place. */
        public Builder options(java.util.function.Consumer<Options.Builder> editor) {
            Objects.requireNonNull(editor, "editor");
            editor.accept(edit());
            return this;
        }

        /** Adds an option. */
        public Builder option(Option option) {
            Objects.requireNonNull(option, "option");
            edit().add(option);
            return this;
        }

        /** Sets Content-Format (RFC 7252 §5.10.3). */
        public Builder contentFormat(int format) {
            if (edits == null && base.isEmpty()) {
                base = Options.ofContentFormat(format); // the usual case, without building options
            } else {
                edit().contentFormat(format);
            }
            return this;
        }

        /** Sets Max-Age in seconds (RFC 7252 §5.10.5). */
        public Builder maxAge(long seconds) {
            edit().maxAge(seconds);
            return this;
        }

        /** Sets the ETag (RFC 7252 §5.10.6). */
        public Builder etag(Bytes etag) {
            edit().etag(etag);
            return this;
        }

        /** Sets Location-Path options from a path such as {@code /items/7} (RFC 7252 §5.10.7). */
        public Builder locationPath(String path) {
            Objects.requireNonNull(path, "path");
            edit().remove(OptionNumber.LOCATION_PATH);
            for (String s : path.split("/")) {
                if (!s.isEmpty()) {
                    edit().locationPath(s);
                }
            }
            return this;
        }

        /** Adds a Location-Query argument (RFC 7252 §5.10.7). */
        public Builder locationQuery(String argument) {
            Objects.requireNonNull(argument, "argument");
            edit().locationQuery(argument);
            return this;
        }

        /** Sets the peer that sent the response; set by the client engine. */
        public Builder peer(InetSocketAddress peer) {
            Objects.requireNonNull(peer, "peer");
            this.peer = peer;
            return this;
        }

        /**
         * Server side: {@code action} runs once the engine is done with this response, exactly once:
         * right after it was handed to the transport (piggybacked on the ACK or sent on its own, RFC
         * 7252 §5.2; for a response sliced into blocks, RFC 7959, its first block), or when the engine does not send
         * it (suppressed by No-Response, replaced by an Echo challenge, or come after the handler
         * timeout). It runs on the endpoint's I/O thread: keep it short and hand longer work to an
         * executor; an exception it throws is logged. What it is for: work that must not overtake
         * the response, such as a request to the client that depends on the client having the
         * answer (LwM2M's registration callback). It belongs to the answer to a request: the
         * notifications of an observe relation (RFC 7641) do not run it. Not part of
         * {@link Response#equals}; kept by {@link Response#toBuilder()}; ignored on the client side.
         */
        public Builder whenSent(Runnable action) {
            this.whenSent = Objects.requireNonNull(action, "action");
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

        /** The immutable response. */
        public Response build() {
            return new Response(this);
        }
    }
}
