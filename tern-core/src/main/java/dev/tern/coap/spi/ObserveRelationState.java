package dev.tern.coap.spi;

import dev.tern.coap.Bytes;
import dev.tern.coap.Request;
import dev.tern.coap.internal.state.RecordReader;
import dev.tern.coap.internal.state.RecordWriter;
import dev.tern.coap.internal.state.RequestCodec;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One server observe relation as it outlives the process (RFC 7641 §4.1): the observer's address,
 * the security identity it registered under (RFC 7252 §9.1; a restored relation is only resumed
 * for a peer that authenticates as the same identity), the registration request (token, options
 * with the resource path, payload of a FETCH) and the last Observe number sent, so that the next
 * notification carries a larger one (RFC 7641 §4.4). Stored under {@link #key()} in
 * {@link StateStore#SERVER_OBSERVATIONS}.
 */
public final class ObserveRelationState {
    private static final int VERSION = 1;

    private final InetSocketAddress peer;
    private final String identity;
    private final Request request;
    private final Bytes token;
    private final int lastObserve;

    /**
     * A relation of {@code peer}, authenticated as {@code identity} ({@code KIND:cipherSuite:name}
     * of its {@code PeerIdentity}, empty for none), registered with {@code request} under {@code token},
     * whose last notification carried {@code lastObserve} (24 bits, RFC 7641 §3.2).
     */
    public ObserveRelationState(InetSocketAddress peer, String identity, Request request, Bytes token,
                                int lastObserve) {
        this.peer = Objects.requireNonNull(peer, "peer");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.request = Objects.requireNonNull(request, "request");
        this.token = Objects.requireNonNull(token, "token");
        this.lastObserve = lastObserve & 0xFFFFFF;
    }

    /** The observer's address. */
    public InetSocketAddress peer() {
        return peer;
    }

    /** The security identity the relation belongs to ({@code KIND:cipherSuite:name}); empty over plain UDP. */
    public Optional<String> identity() {
        return identity.isEmpty() ? Optional.empty() : Optional.of(identity);
    }

    /** The registration request (RFC 7641 §3.1), with its options and payload. */
    public Request request() {
        return request;
    }

    /** The token of the relation (RFC 7641 §3.2: every notification carries it). */
    public Bytes token() {
        return token;
    }

    /** The Observe number of the last notification sent (RFC 7641 §3.4). */
    public int lastObserve() {
        return lastObserve;
    }

    /** The record key: peer and token, as the relation is identified (RFC 7641 §4.1). */
    public Bytes key() {
        return key(peer, token);
    }

    /** The record key of the relation of {@code peer} with {@code token}. */
    public static Bytes key(InetSocketAddress peer, Bytes token) {
        return Bytes.wrap(new RecordWriter().address(peer).bytes16(token.toArray()).toByteArray());
    }

    /** The record's bytes. */
    public byte[] encode() {
        RecordWriter w = new RecordWriter().u8(VERSION).address(peer).string(identity).u32(lastObserve);
        RequestCodec.write(w, request, token);
        return w.toByteArray();
    }

    /**
     * Decodes a record {@link #encode()} wrote.
     *
     * @throws IllegalArgumentException with the reason when it is not one (wrong version,
     *     truncated, a length claim beyond the record, a request that does not decode)
     */
    public static ObserveRelationState decode(byte[] record) {
        RecordReader r = new RecordReader(record);
        int version = r.u8();
        if (version != VERSION) {
            throw new IllegalArgumentException("observe relation record version " + version + ", expected " + VERSION);
        }
        InetSocketAddress peer = r.address();
        String identity = r.string();
        long last = r.u32();
        if (last > 0xFFFFFF) {
            throw new IllegalArgumentException("Observe number over 24 bits: " + last);
        }
        Request request = RequestCodec.read(r, peer).build();
        r.expectEnd();
        return new ObserveRelationState(peer, identity, request, request.token().orElse(Bytes.EMPTY), (int) last);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObserveRelationState s && peer.equals(s.peer) && identity.equals(s.identity)
                && request.equals(s.request) && token.equals(s.token) && lastObserve == s.lastObserve;
    }

    @Override
    public int hashCode() {
        return Objects.hash(peer, identity, token, lastObserve);
    }

    @Override
    public String toString() {
        return "relation of " + peer + (identity.isEmpty() ? "" : " (" + identity + ")") + " token " + token.hex()
                + " " + request.path() + " last Observe " + lastObserve;
    }
}
