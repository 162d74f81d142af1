package dev.tern.coap.internal.engine;

import dev.tern.coap.CoapTransportException;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageTracer;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import dev.tern.coap.internal.blockwise.BertPeers;
import dev.tern.coap.internal.blockwise.BlockwiseClient;
import dev.tern.coap.internal.blockwise.BlockwiseServer;
import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageFormatError;
import dev.tern.coap.internal.exchange.ClientExchanges;
import dev.tern.coap.internal.exchange.ServerExchanges;
import dev.tern.coap.internal.message.MessageLayer;
import dev.tern.coap.internal.reliable.ReliableLayer;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.ObjectSecurity;
import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.Transport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

/**
 * One CoAP endpoint: the whole protocol stack over one transport. {@link #assemble} is the one
 * place that lists the stages, bottom to top:
 *
 * <ol>
 *   <li>transport — UDP, or in-memory in tests; optionally traced ({@link TracingTransport})</li>
 *   <li>codec — {@link MessageDecoder} (RFC 7252 §3); malformed datagrams end here</li>
 *   <li>message layer — types, Message IDs, deduplication, retransmission, ping ({@link MessageLayer}, §4);
 *       on a connection (RFC 8323, {@link #assembleReliable}) instead: framing, signaling (CSM,
 *       Ping/Pong, Release, Abort) and the connection as the peer context ({@link ReliableLayer})</li>
 *   <li>exchange layer — server: per-peer request rate limit (4.29, RFC 8516), request checks,
 *       handler dispatch, piggybacked/separate responses ({@link ServerExchanges}, §5); client:
 *       tokens (extended, RFC 8974, with the short-token fallback) and matching
 *       ({@link ClientExchanges}, §5.3), second tries after a 4.01 with Echo or a 4.29
 *       ({@link ClientRetries})</li>
 *   <li>object security — optional ({@link ObjectSecurity}, e.g. OSCORE, RFC 8613): server:
 *       requests verified and decrypted, responses protected, between the exchange layer and
 *       block-wise (the exchange layer only reads the header and the class U options OSCORE leaves
 *       outer); client: requests protected and responses verified below block-wise. Above the
 *       message layer, so a retransmission is answered from the deduplication cache, never
 *       decrypted twice</li>
 *   <li>block-wise transfer — server: {@link BlockwiseServer} wraps the application; client:
 *       {@link BlockwiseClient} above the client exchanges (RFC 7959); on a reliable transport
 *       both with BERT where the CSMs allow it (RFC 8323 §6, {@link ReliableLayer#bertPeers()})</li>
 *   <li>application — the {@link Service} (a Router with its filters)</li>
 * </ol>
 *
 * Every stage reports to the endpoint's {@link EndpointMetrics} (a no-op unless one is given).
 * All protocol state is confined to the {@link Scheduler} thread.
 */
public final class CoapEndpoint implements AutoCloseable {
    /** The datagram transport, or null on a reliable transport ({@link #reliable}). */
    private final Transport transport;
    private final Scheduler scheduler;
    /** The RFC 7252 §4 message layer, or null on a reliable transport. */
    private final MessageLayer messages;
    /** The RFC 8323 layer in place of the message layer, or null over datagrams. */
    private final ReliableLayer reliable;
    private final ClientExchanges client;
    private final ServerExchanges server;
    private final BlockwiseClient blockwise;
    private final BlockwiseServer blockwiseServer;
    private final EndpointConfig config;
    /** The object-security layer, or null; group requests cannot pass it. */
    private final ObjectSecurity security;
    /** This endpoint's metrics listener ({@link EndpointMetrics#forEndpoint()}). */
    private final EndpointMetrics metrics;
    /** Stage 4, client: a request's second tries, after a 4.01 with Echo or a 4.29 (RFC 9175, RFC 8516). */
    private final ClientRetries retries;
    private volatile boolean closed;

    private CoapEndpoint(Transport transport, Scheduler scheduler, MessageLayer messages, ReliableLayer reliable,
                         ClientExchanges client, ServerExchanges server, BlockwiseServer blockwiseServer,
                         EndpointConfig config, EndpointMetrics metrics, ObjectSecurity security) {
        this.blockwiseServer = blockwiseServer;
        this.reliable = reliable;
        this.transport = transport;
        this.scheduler = scheduler;
        this.messages = messages;
        this.client = client;
        this.server = server;
        this.config = config;
        this.security = security;
        this.metrics = metrics;
        this.retries = new ClientRetries(this::exchangeOnce, scheduler, config.tooManyRequestsRetries(),
                config.requestTimeout(), () -> closed);
        this.blockwise = new BlockwiseClient(security == null ? retries::send
                : (request, destination) -> security.clientFilter().filter(request, r -> retries.send(r, destination)),
                config, metrics, reliable == null ? BertPeers.NONE : reliable.bertPeers());
    }

    /**
     * Assembles and starts the stack without a proxy, metrics ({@link EndpointMetrics#NONE}) or an
     * object-security layer; see the full form.
     */
    public static CoapEndpoint assemble(Transport transport, Scheduler scheduler, EndpointConfig config,
                                        Service service, Executor executor, String scheme, MessageTracer tracer,
                                        RandomGenerator random) {
        return assemble(transport, scheduler, config, service, executor, scheme, tracer, null, random,
                EndpointMetrics.NONE, null);
    }

    /**
     * Assembles and starts the stack.
     *
     * @param transport the datagram transport
     * @param scheduler the endpoint's single thread and clock
     * @param config transmission parameters and bounds
     * @param service the application, or null for a client-only endpoint
     * @param executor where the service runs
     * @param scheme {@code coap} or {@code coaps}
     * @param tracer sees every message, or null
     * @param proxy where requests carrying Proxy-Uri or Proxy-Scheme go (RFC 7252 §5.7.2), or null:
     *        they get 5.05
     * @param random tokens, initial Message IDs and retransmission jitter
     * @param metrics told what every stage does ({@link EndpointMetrics#NONE} for nothing)
     * @param security an object-security layer (OSCORE, RFC 8613) between the exchange layer and
     *        block-wise transfer, or null for none
     */
    public static CoapEndpoint assemble(Transport transport, Scheduler scheduler, EndpointConfig config,
                                        Service service, Executor executor, String scheme, MessageTracer tracer,
                                        Service proxy, RandomGenerator random, EndpointMetrics metrics,
                                        ObjectSecurity security) {
        return assemble(transport, scheduler, config, service, executor, scheme, tracer, proxy, random, metrics,
                security, null);
    }

    /**
     * Assembles and starts the stack, as the form above, telling {@code relations} (or nobody, when
     * null) of every observe relation's start and end (RFC 7641 §4.1).
     */
    public static CoapEndpoint assemble(Transport transport, Scheduler scheduler, EndpointConfig config,
                                        Service service, Executor executor, String scheme, MessageTracer tracer,
                                        Service proxy, RandomGenerator random, EndpointMetrics metrics,
                                        ObjectSecurity security, dev.tern.coap.spi.RelationListener relations) {
        if (service != null && proxy != null) {
            service = proxyDispatch(service, proxy);
        }
        metrics = metrics.forEndpoint(); // this endpoint's own counts (single writer: its I/O thread)
        Transport wire = tracer == null ? transport : new TracingTransport(transport, tracer);
        MessageLayer messages = new MessageLayer(wire, scheduler, config, random, metrics);
        ClientExchanges client = new ClientExchanges(messages, scheduler, config, random, metrics);
        BlockwiseServer blockwiseServer = service == null ? null
                : new BlockwiseServer(service, config, scheduler::nanoTime, metrics);
        Service secured = blockwiseServer == null || security == null ? blockwiseServer
                : outerBlocks(security.serverFilter().then(blockwiseServer), config, scheduler, metrics);
        ServerExchanges server = service == null ? null : new ServerExchanges(messages, scheduler, config,
                secured, executor, scheme, wire::peerIdentity, metrics, proxy != null);
        if (server != null && security != null) {
            server.objectSecurity(security); // the notification a resource ends a relation with
        }
        if (server != null && relations != null) {
            server.relationListener(relations); // before the first datagram: no relation goes untold
        }
        CoapEndpoint endpoint = new CoapEndpoint(wire, scheduler, messages, null, client, server, blockwiseServer,
                config, metrics, security);
        messages.setUpper(endpoint.new Upper());
        wire.start(endpoint.new Lower());
        return endpoint;
    }

    /**
     * Stage 5, object security with outer block-wise (RFC 8613 §4.1.3.4.2): a protected request
     * that a proxy fragmented (outer Block1) is reassembled before it is verified, and its
     * protected response fragmented when the proxy asks (outer Block2), by a second block-wise
     * server of its own (the same bounds as the inner one). Requests without outer Block options
     * go straight to {@code filtered}: a client talking to the server directly never gets outer
     * blocks it did not ask for.
     */
    private static Service outerBlocks(Service filtered, EndpointConfig config, Scheduler scheduler,
                                       EndpointMetrics metrics) {
        BlockwiseServer outer = new BlockwiseServer(filtered, config, scheduler::nanoTime, metrics);
        return request -> {
            dev.tern.coap.Options o = request.options();
            return o.has(dev.tern.coap.OptionNumber.OSCORE) && (o.has(dev.tern.coap.OptionNumber.BLOCK1)
                    || o.has(dev.tern.coap.OptionNumber.BLOCK2)) ? outer.handle(request) : filtered.handle(request);
        };
    }

    /**
     * Assembles and starts the stack over a connection-oriented transport (RFC 8323: TCP, TLS,
     * WebSocket). The same stages as {@link #assemble}, with the {@link ReliableLayer} (framing,
     * signaling, the connection as peer context) in place of the message layer; the exchange,
     * observe and block-wise layers are the same. NSTART becomes the transport's in-flight bound
     * per connection (requests are pipelined), and the Echo amplification guard is off (the
     * connection's handshake proves the peer's address).
     *
     * @param transport the connection transport; its settings give the bounds and CSM values
     * @param service the application, or null for a client-only endpoint
     */
    public static CoapEndpoint assembleReliable(dev.tern.coap.spi.ConnectionTransport transport, Scheduler scheduler,
                                                EndpointConfig config, Service service, Executor executor,
                                                MessageTracer tracer, Service proxy, RandomGenerator random,
                                                EndpointMetrics metrics) {
        return assembleReliable(transport, scheduler, config, service, executor, tracer, proxy, random, metrics, null);
    }

    /**
     * Assembles and starts the stack over a connection-oriented transport, as the form above,
     * telling {@code relations} (or nobody, when null) of every observe relation's start and end
     * (RFC 7641 §4.1, RFC 8323 §7.1: the connection's remote address is the relation's peer).
     */
    public static CoapEndpoint assembleReliable(dev.tern.coap.spi.ConnectionTransport transport, Scheduler scheduler,
                                                EndpointConfig config, Service service, Executor executor,
                                                MessageTracer tracer, Service proxy, RandomGenerator random,
                                                EndpointMetrics metrics, dev.tern.coap.spi.RelationListener relations) {
        if (service != null && proxy != null) {
            service = proxyDispatch(service, proxy);
        }
        // NSTART: requests are pipelined up to the in-flight bound; no amplification guard: the TCP
        // handshake has proved the peer's address (RFC 9175 §2.4 concerns datagrams only)
        // maxPayload: a message is already bounded by the announced Max-Message-Size, and a BERT
        // block may fill it (RFC 8323 §6); a smaller maxPayload would refuse what the CSM invited
        EndpointConfig pipelined = config.toBuilder().nstart(transport.settings().maxInFlight())
                .amplificationLimit(0).maxPayload(Math.max(config.maxPayload(), transport.settings().maxMessageSize()))
                .build();
        metrics = metrics.forEndpoint(); // this endpoint's own counts (single writer: its I/O thread)
        ReliableLayer layer = new ReliableLayer(transport, scheduler, tracer, pipelined.requestTimeout());
        ClientExchanges client = new ClientExchanges(layer, scheduler, pipelined, random, metrics);
        BlockwiseServer blockwiseServer = service == null ? null
                : new BlockwiseServer(service, pipelined, scheduler::nanoTime, metrics, layer.bertPeers());
        ServerExchanges server = service == null ? null : new ServerExchanges(layer, scheduler, pipelined,
                blockwiseServer, executor, transport.scheme(), layer::peerIdentity, metrics, proxy != null);
        if (server != null && relations != null) {
            server.relationListener(relations); // before the first connection: no relation goes untold
        }
        CoapEndpoint endpoint = new CoapEndpoint(null, scheduler, null, layer, client, server, blockwiseServer,
                pipelined, metrics, null);
        layer.start(endpoint.new Upper(), endpoint.new Lower());
        return endpoint;
    }

    /**
     * Stage 5, application: proxy requests (Proxy-Uri or Proxy-Scheme, RFC 7252 §5.7.2) to the
     * proxy, the rest to the service. Below the block-wise server, so that both get whole bodies.
     */
    private static Service proxyDispatch(Service service, Service proxy) {
        return request -> request.options().has(dev.tern.coap.OptionNumber.PROXY_URI)
                || request.options().has(dev.tern.coap.OptionNumber.PROXY_SCHEME)
                ? proxy.handle(request) : service.handle(request);
    }

    /** Stage 1 to 2: datagrams from the transport, and peers it cannot reach securely. */
    private final class Lower implements Transport.Receiver {
        @Override
        public void onDatagram(byte[] data, int length, InetSocketAddress source, boolean multicast) {
            CoapEndpoint.this.onDatagram(data, length, source, multicast);
        }

        @Override
        public void onPeerFailure(InetSocketAddress peer, dev.tern.coap.CoapException cause) {
            client.failPeer(peer, cause);
        }

        @Override
        public void onAssociationEnded(Object association) {
            if (server != null) {
                server.onAssociationEnded(association);
            }
        }
    }

    /** Stage 2: decode; hand valid messages to the message layer. Runs on the scheduler thread. */
    private void onDatagram(byte[] data, int length, InetSocketAddress source, boolean multicast) {
        DecodeResult decoded = MessageDecoder.decode(data, 0, length);
        if (decoded instanceof Message m) {
            messages.receive(m, source, multicast);
        } else {
            messages.rejectMalformed((MessageFormatError) decoded, source, multicast);
        }
    }

    /** Stage 4: requests to the server half, responses to the client half. */
    private final class Upper implements MessageLayer.Upper {
        @Override
        public void onRequest(Message request, InetSocketAddress peer, long entry, boolean multicast) {
            if (server != null) {
                server.onRequest(request, peer, entry, multicast);
            } else if (request.type() == dev.tern.coap.MessageType.CON && messages != null) {
                messages.replyReset(entry, request.messageId(), peer); // a client serves nothing
            }
        }

        @Override
        public void onResponse(Message response, InetSocketAddress peer, long entry) {
            client.onResponse(response, peer, entry);
        }

        @Override
        public void onUnmatchedReset(dev.tern.coap.internal.message.MessageKey key) {
            if (server != null) {
                server.onUnmatchedReset(key);
            }
        }
    }

    /** Sends a request to its resolved peer, block-wise where needed (RFC 7959). Thread-safe. */
    public CompletableFuture<Response> send(Request request, InetSocketAddress destination) {
        return blockwise.send(request, destination);
    }

    private CompletableFuture<Response> exchangeOnce(Request request, InetSocketAddress destination) {
        CompletableFuture<Response> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new CoapTransportException("endpoint is closed"));
            return future;
        }
        scheduler.execute(() -> client.start(request, destination, future));
        return future;
    }

    /**
     * Starts an observation (RFC 7641). Through an object-security layer, each registration is
     * protected and each notification verified by the layer's {@link dev.tern.coap.spi.SecuredObservation}
     * (OSCORE, RFC 8613 §4.1.3.5); a layer that offers none refuses it (never sent unprotected).
     * Thread-safe.
     */
    public void observe(Request request, InetSocketAddress destination, dev.tern.coap.Observation observation,
                        java.util.function.Consumer<Response> listener) {
        dev.tern.coap.spi.SecuredObservation secured = null;
        if (!closed && security != null) {
            secured = security.observation(request.toBuilder().peer(destination).build());
        }
        if (closed || (security != null && secured == null)) {
            dev.tern.coap.CoapException cause = closed ? new CoapTransportException("endpoint is closed")
                    : new dev.tern.coap.CoapSecurityException("observe is not supported by this object security layer");
            observation.registered().completeExceptionally(cause);
            observation.ended().completeExceptionally(cause);
            return;
        }
        dev.tern.coap.spi.SecuredObservation layer = secured;
        scheduler.execute(() -> client.observe(request, destination, observation, listener,
                blockwise::completeNotification, layer));
    }

    /**
     * Sends a NON request to a multicast group and collects the responses until {@code deadline}
     * (RFC 7252 §8.1); a response that is the first block of a larger body is completed by unicast
     * ({@link GroupBlockCompletion}, RFC 7959 §2.4). Thread-safe.
     */
    public CompletableFuture<List<Response>> multicast(Request request, InetSocketAddress group, Duration deadline) {
        CompletableFuture<List<Response>> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new CoapTransportException("endpoint is closed"));
            return future;
        }
        if (security != null) { // group requests need Group OSCORE (RFC 9594), not this layer
            future.completeExceptionally(new dev.tern.coap.CoapSecurityException(
                    "multicast is not supported with object security"));
            return future;
        }
        GroupBlockCompletion blocks = new GroupBlockCompletion(request, this::send);
        scheduler.execute(() -> client.startMulticast(request, group, deadline, future, blocks::onResponse));
        return future.thenCompose(blocks::complete);
    }

    /** CoAP ping. Thread-safe. */
    public CompletableFuture<Duration> ping(InetSocketAddress destination) {
        CompletableFuture<Duration> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new CoapTransportException("endpoint is closed"));
            return future;
        }
        scheduler.execute(() -> client.ping(destination, future));
        return future;
    }

    /** The bound local address. */
    public InetSocketAddress localAddress() {
        return transport != null ? transport.localAddress() : reliable.localAddress();
    }

    /** The scheduler (for tests and the facades). */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** Current sizes of the bounded tables, for tests and metrics. */
    public String stateSummary() {
        if (messages == null) {
            return "connections=" + reliable.connections() + " clientExchanges=" + client.pending();
        }
        return "dedup=" + messages.deduplicationEntries() + " outstandingCon=" + messages.outstandingConfirmables()
                + " clientExchanges=" + client.pending();
    }

    /** Servers the client half remembers as rejecting extended tokens (RFC 8974 §2.2.2; {@code maxPeers}). */
    public int shortTokenPeers() {
        return client.shortTokenPeers();
    }

    /** Observe relations held by the server half; 0 for a client. */
    public int observers() {
        return server == null ? 0 : server.observers();
    }

    /** Peers the server half's request rate limiter tracks (RFC 8516; {@code maxRateLimitedPeers}). */
    public int rateLimitedPeers() {
        return server == null ? 0 : server.rateLimitedPeers();
    }

    /** Peers the server half verified by an Echo round trip; 0 for a client. */
    public int verifiedPeers() {
        return server == null ? 0 : server.verifiedPeers();
    }

    /** Peers with Message ID state ({@code maxPeers}; read on the scheduler thread). */
    public int peers() {
        return messages == null ? reliable.connections() : messages.peers();
    }

    /** Client requests waiting or in flight ({@code maxClientExchanges}; read on the scheduler thread). */
    public int clientExchanges() {
        return client.pending();
    }

    /** Block1 request bodies being assembled by the server half ({@code maxBlockwiseTransfers}). */
    public int blockwiseBodies() {
        return blockwiseServer == null ? 0 : blockwiseServer.bodiesInProgress();
    }

    /** Bytes of buffer the server half holds for Block1 request bodies being assembled. */
    public long blockwiseBodyBytes() {
        return blockwiseServer == null ? 0 : blockwiseServer.bodyBytesHeld();
    }

    /** Block2 response bodies kept for their remaining blocks ({@code maxBlockwiseTransfers}). */
    public int blockwiseRepresentations() {
        return blockwiseServer == null ? 0 : blockwiseServer.representationsKept();
    }

    /** Block2 downloads the client half has in progress (RFC 7959 §2.4). */
    public int blockwiseDownloads() {
        return blockwise.downloadsInProgress();
    }

    /** Bytes of buffer the client half holds for block-wise downloads in progress. */
    public long blockwiseDownloadBytes() {
        return blockwise.bytesHeld();
    }

    /** Deduplication cache entries (read on the scheduler thread). */
    public int deduplicationEntries() {
        return messages == null ? 0 : messages.deduplicationEntries();
    }

    /**
     * The server half's observe relations as state records (RFC 7641 §4.1), read on the scheduler
     * thread; empty for a client. Call before {@link #close()}, which ends them.
     */
    public List<dev.tern.coap.spi.ObserveRelationState> exportRelations() {
        if (server == null) {
            return List.of();
        }
        return dev.tern.coap.internal.state.OnScheduler.call(scheduler, server::exportRelations);
    }

    /** Restores saved observe relations into the server half (see {@code RelationReplay}). */
    public void restoreRelations(List<dev.tern.coap.spi.ObserveRelationState> saved) {
        if (server != null && !saved.isEmpty()) {
            scheduler.execute(() -> server.restoreRelations(saved));
        }
    }

    /**
     * Ends the server half's relation of {@code peer}/{@code token} with {@code last} as its final
     * notification (RFC 7641 §4.2); from any thread; completes with whether there was one.
     */
    public CompletableFuture<Boolean> cancelRelation(InetSocketAddress peer, dev.tern.coap.Bytes token,
                                                     Response last) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        if (server == null || closed) {
            done.complete(false);
            return done;
        }
        scheduler.execute(() -> done.complete(!closed && server.cancelRelation(peer, token, last)));
        return done;
    }

    /** The client half's active observations as state records, read on the scheduler thread. */
    public List<dev.tern.coap.spi.ClientObservationState> exportObservations() {
        return dev.tern.coap.internal.state.OnScheduler.call(scheduler, client::exportObservations);
    }

    /**
     * Takes back a saved observation (see {@code ClientExchanges.resume}); its futures fail when it
     * cannot be (token in use, bound reached, closed).
     */
    public void resumeObservation(dev.tern.coap.spi.ClientObservationState saved, dev.tern.coap.Observation observation,
                                  java.util.function.Consumer<Response> listener) {
        scheduler.execute(() -> {
            if (closed || !client.resume(saved, observation, listener, blockwise::completeNotification)) {
                CoapTransportException cause = new CoapTransportException("observation " + saved.token().hex()
                        + " cannot be resumed: token in use, too many requests or closed");
                observation.registered().completeExceptionally(cause);
                observation.ended().completeExceptionally(cause);
            }
        });
    }

    /** Fails outstanding requests and closes the transport. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CompletableFuture<Void> drained = new CompletableFuture<>();
        scheduler.execute(() -> {
            client.failAll(new CoapTransportException("endpoint closed"));
            retries.failWaiting(new CoapTransportException("endpoint closed"));
            if (server != null) {
                server.close();
            }
            if (reliable != null) {
                reliable.close();
            }
            metrics.endpointClosed();
            drained.complete(null);
        });
        if (!scheduler.inSchedulerThread()) {
            try {
                drained.get(2, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // closing anyway
            }
        }
        if (transport != null) {
            transport.close();
        } else {
            reliable.closeTransport();
        }
    }

    /** Open connections of a reliable transport (RFC 8323; read on the scheduler thread); 0 over datagrams. */
    public int connections() {
        return reliable == null ? 0 : reliable.connections();
    }
}
