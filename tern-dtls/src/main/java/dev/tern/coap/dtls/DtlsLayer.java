package dev.tern.coap.dtls;

import dev.tern.coap.dtls.internal.DtlsContext;
import dev.tern.coap.dtls.internal.DtlsTransport;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.SecurityLayer;
import dev.tern.coap.spi.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * DTLS 1.2 (RFC 6347) as the {@code coaps} {@link SecurityLayer} of RFC 7252 §9.1: give it to
 * {@code CoapServer.builder().security(...)} or {@code CoapClient.builder().security(...)}. One layer may serve several endpoints (a server with
 * several I/O threads); they share its credentials, cookie secret and resumption cache. Create
 * one with {@link Dtls#server} or {@link Dtls#client}.
 */
public final class DtlsLayer implements SecurityLayer, dev.tern.coap.spi.StateHolder {
    private final DtlsContext context;
    private final List<DtlsTransport> transports = new CopyOnWriteArrayList<>();

    DtlsLayer(DtlsConfig config, boolean server) {
        this.context = new DtlsContext(config, server);
    }

    @Override
    public String scheme() {
        return "coaps";
    }

    @Override
    public int defaultPort() {
        return 5684;
    }

    @Override
    public Transport wrap(Transport datagrams, Scheduler scheduler) {
        return wrap(datagrams, scheduler, EndpointMetrics.NONE);
    }

    /**
     * Wraps {@code datagrams}, telling {@code metrics} of every handshake (full or abbreviated, RFC
     * 5246 §7.3; failed, by alert, §7.2) and of sessions opened and closed (RFC 6347).
     */
    @Override
    public Transport wrap(Transport datagrams, Scheduler scheduler, EndpointMetrics metrics) {
        DtlsTransport[] self = new DtlsTransport[1];
        self[0] = new DtlsTransport(context, datagrams, scheduler, () -> transports.remove(self[0]), metrics);
        transports.add(self[0]);
        return self[0];
    }

    /** The established session with {@code peer} (the address requests go to or come from), if any. */
    public java.util.Optional<DtlsSession> session(InetSocketAddress peer) {
        for (DtlsTransport t : transports) {
            DtlsSession s = t.session(peer);
            if (s != null) {
                return java.util.Optional.of(s);
            }
        }
        return java.util.Optional.empty();
    }

    /** Every established session of every endpoint of this layer. */
    public List<DtlsSession> sessions() {
        List<DtlsSession> all = new ArrayList<>();
        transports.forEach(t -> all.addAll(t.sessions()));
        return all;
    }

    /** Handshakes in progress, over all endpoints. */
    public int handshakesInProgress() {
        int n = 0;
        for (DtlsTransport t : transports) {
            n += t.counts()[0];
        }
        return n;
    }

    /**
     * The namespace of the resumption cache in a {@link dev.tern.coap.spi.StateStore}:
     * {@code dtls.resumption}.
     */
    @Override
    public String stateNamespace() {
        return "dtls.resumption";
    }

    /**
     * What a restart keeps, as records: the resumption cache (RFC 5246 §7.3; a server's sessions by
     * ID, a client's by server address; sessions authenticated by a peer certificate or raw public key
     * are left out) and every established session (keys, sequence numbers, Connection IDs, the
     * peer's identity: {@code 'E'} and the peer's address), so that the next process goes on with each
     * session without a handshake. Exporting <b>hands the established sessions over</b>: they end
     * here without a close_notify and nothing more is sent under their keys (the next process
     * continues their sequence numbers), so export only when the endpoints close, as a
     * {@code CoapServer} or {@code CoapClient} with a {@code StateStore} does. Master secrets are in
     * the records: seal them (a {@code StateStore} such as {@code EncryptedStateFile}); never log them.
     */
    @Override
    public java.util.Map<dev.tern.coap.Bytes, byte[]> exportState() {
        java.util.Map<dev.tern.coap.Bytes, byte[]> out = new java.util.LinkedHashMap<>(context.exportResumption());
        for (DtlsTransport t : transports) {
            out.putAll(t.handOver());
        }
        return out;
    }

    /**
     * Takes back the records of {@link #exportState()}: the established sessions go on without a
     * handshake once the endpoint starts (the session cap applies), and a peer whose session is
     * gone resumes with an abbreviated handshake (RFC 5246 §7.3) instead of a full one. Records that
     * do not decode are skipped, as are sessions of a PSK identity the server no longer knows.
     */
    @Override
    public void restoreState(java.util.Map<dev.tern.coap.Bytes, byte[]> records) {
        context.importResumption(records);
        context.importSessions(records);
    }

    /** Counters since the layer was created. */
    public DtlsStatistics statistics() {
        return context.statistics();
    }
}
