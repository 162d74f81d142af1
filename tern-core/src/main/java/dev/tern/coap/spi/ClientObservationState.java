package dev.tern.coap.spi;

import dev.tern.coap.Bytes;
import dev.tern.coap.Request;
import dev.tern.coap.internal.state.RecordReader;
import dev.tern.coap.internal.state.RecordWriter;
import dev.tern.coap.internal.state.RequestCodec;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One client observation as it outlives the process (RFC 7641 §3): the server's address and the
 * registration request with its token, so that a restarted client still accepts the notifications
 * of that token and can cancel the observation (§3.6). Stored under {@link #key()} in
 * {@link StateStore#CLIENT_OBSERVATIONS}.
 */
public final class ClientObservationState {
    private static final int VERSION = 1;

    private final InetSocketAddress server;
    private final Request request;
    private final Bytes token;

    /** The observation of {@code server} registered with {@code request} under {@code token}. */
    public ClientObservationState(InetSocketAddress server, Request request, Bytes token) {
        this.server = Objects.requireNonNull(server, "server");
        this.request = Objects.requireNonNull(request, "request");
        this.token = Objects.requireNonNull(token, "token");
    }

    /** The observed server's address. */
    public InetSocketAddress server() {
        return server;
    }

    /** The registration request (RFC 7641 §3.1), carrying {@link #token()}. */
    public Request request() {
        return request;
    }

    /** The token notifications carry (RFC 7641 §3.2). */
    public Bytes token() {
        return token;
    }

    /** The record key: the token (a client's tokens are unique, RFC 7252 §5.3.1). */
    public Bytes key() {
        return token;
    }

    /** The record's bytes. */
    public byte[] encode() {
        RecordWriter w = new RecordWriter().u8(VERSION).address(server);
        RequestCodec.write(w, request, token);
        return w.toByteArray();
    }

    /**
     * Decodes a record {@link #encode()} wrote.
     *
     * @throws IllegalArgumentException with the reason when it is not one
     */
    public static ClientObservationState decode(byte[] record) {
        RecordReader r = new RecordReader(record);
        int version = r.u8();
        if (version != VERSION) {
            throw new IllegalArgumentException("client observation record version " + version + ", expected " + VERSION);
        }
        InetSocketAddress server = r.address();
        Request request = RequestCodec.read(r, server).build();
        r.expectEnd();
        return new ClientObservationState(server, request, request.token().orElse(Bytes.EMPTY));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientObservationState s && server.equals(s.server) && request.equals(s.request)
                && token.equals(s.token);
    }

    @Override
    public int hashCode() {
        return Objects.hash(server, token);
    }

    @Override
    public String toString() {
        return "observation of " + server + request.path() + " token " + token.hex();
    }
}
