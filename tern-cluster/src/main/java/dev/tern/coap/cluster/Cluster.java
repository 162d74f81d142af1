package dev.tern.coap.cluster;

import dev.tern.coap.Code;
import dev.tern.coap.cluster.internal.ClusterKeys;
import dev.tern.coap.cluster.internal.Forwarder;
import dev.tern.coap.cluster.internal.ForwardingTransport;
import dev.tern.coap.cluster.internal.HandshakeCounter;
import dev.tern.coap.cluster.internal.MirrorKind;
import dev.tern.coap.cluster.internal.MirrorListing;
import dev.tern.coap.cluster.internal.NodeDirectory;
import dev.tern.coap.cluster.internal.ObservationMirror;
import dev.tern.coap.cluster.internal.RedisMirror;
import dev.tern.coap.cluster.internal.RedisResumptionCache;
import dev.tern.coap.cluster.internal.RedisStateStore;
import dev.tern.coap.cluster.internal.RelationMirror;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.dtls.DtlsLayer;
import dev.tern.coap.spi.ClientObservationListener;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.RelationListener;
import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.SecurityLayer;
import dev.tern.coap.spi.StateStore;
import dev.tern.coap.spi.Transport;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One node of a Tern cluster: several {@code coaps} servers (RFC 7252 §9.1) behind a UDP load
 * balancer, sharing state through Redis. Starting a node leases its id in Redis (refused with a
 * clear error when the id is held, or when Redis cannot be reached); {@link #configure} makes the
 * DTLS Connection IDs (RFC 9146 §3) carry the node id in their first byte and shares resumable
 * sessions (RFC 5246 §7.3) in Redis, encrypted; {@link #secure} puts forwarding under the DTLS
 * layer, so a record whose CID names another live node is handled by that node and answered
 * through this one.
 *
 * <pre>{@code
 * Cluster node = Cluster.builder().redis("redis://127.0.0.1:6379").secret(secret).start();
 * DtlsLayer dtls = Dtls.server(node.configure(DtlsConfig.server().pskStore(...)).build());
 * CoapServer server = CoapServer.builder().port(5684).security(node.secure(dtls)).service(app).build().start();
 * }</pre>
 */
public final class Cluster implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int MIN_CID_LENGTH = 4;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final NodeDirectory directory;
    private final Forwarder forwarder;
    private final ClusterKeys keys;
    private final RedisResumptionCache resumption;
    private final RedisStateStore state;
    private final RelationMirror mirror;
    private final ObservationMirror observations;
    private final String prefix;
    private final NodeDirectory.RedisHealth health = new NodeDirectory.RedisHealth();
    private volatile boolean closed;

    private Cluster(Builder b) {
        keys = new ClusterKeys(b.secret);
        prefix = b.prefix;
        RedisURI uri;
        try {
            uri = RedisURI.create(b.redis);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a Redis URI: " + b.redis, e);
        }
        uri.setTimeout(CONNECT_TIMEOUT); // the connection's first commands, on a cold JVM

        client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder().autoReconnect(true).requestQueueSize(b.maxQueuedWrites)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(b.redisTimeout)).build());
        try {
            connection = client.connect();
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            throw new IllegalStateException("cannot reach Redis at " + b.redis + ": " + rootMessage(e), e);
        }
        try {
            forwarder = new Forwarder(b.internal, keys, b.maxClockSkew.toMillis(), b.maxRelayRoutes,
                    b.relayRouteIdle.toNanos(), b.maxBatchFrames, b.maxBatchBytes);
        } catch (IOException e) {
            shutdownRedis();
            throw new IllegalStateException("cannot bind the cluster port " + b.internal + ": " + e.getMessage(), e);
        }
        try {
            directory = new NodeDirectory(client, connection, b.redis, b.prefix, b.nodeId, 255, b.leaseTtl,
                    forwarder.localAddress(), health, this::lost);
        } catch (RuntimeException e) {
            forwarder.close();
            shutdownRedis();
            throw e instanceof IllegalStateException ? e
                    : new IllegalStateException("cannot lease a node id in " + b.redis + ": " + rootMessage(e), e);
        }
        forwarder.start(directory);
        resumption = new RedisResumptionCache(connection, keys, b.prefix, b.resumptionTtl, b.redisTimeout, health);
        state = new RedisStateStore(connection, resumption, b.prefix, directory.nodeId(), b.stateTtl, CONNECT_TIMEOUT);
        RelationMirror relations = null;
        try {
            relations = new RelationMirror(h -> mirror(MirrorKind.RELATIONS, b, b.maxMirroredRelations,
                    RelationMirror::fields, h));
            observations = new ObservationMirror(h -> mirror(MirrorKind.OBSERVATIONS, b, b.maxMirroredObservations,
                    ObservationMirror::fields, h));
        } catch (RuntimeException e) {
            if (relations != null) {
                relations.mirror().close(true);
            }
            forwarder.close();
            directory.close(true);
            shutdownRedis();
            throw new IllegalStateException("cannot subscribe to the mirror channels in " + b.redis + ": "
                    + rootMessage(e), e);
        }
        mirror = relations;
    }

    private <T> RedisMirror<T> mirror(MirrorKind kind, Builder b, int max,
                                      java.util.function.Function<T, dev.tern.coap.cluster.internal.RelationText.Mirrored> fields,
                                      RedisMirror.CancelHandler<T> onCancel) {
        return new RedisMirror<>(kind, client, connection, b.prefix, directory.nodeId(), b.leaseTtl, max,
                b.relationBatch, keys, resumption, b.maxClockSkew, fields, onCancel);
    }

    /** The lease was lost to another node: stop serving and mirroring (the new holder owns the id). */
    private void lost() {
        forwarder.close();
        RelationMirror m = mirror;
        if (m != null) {
            m.mirror().close(false);
        }
        ObservationMirror o = observations;
        if (o != null) {
            o.mirror().close(false);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }

    /** A node configuration with the defaults; {@link Builder#redis} and {@link Builder#secret} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The id this node leased (1..255): the first byte of every Connection ID it issues (RFC 9146 §3). */
    public int nodeId() {
        return directory.nodeId();
    }

    /** The internal address other nodes forward records to. */
    public InetSocketAddress internalAddress() {
        return forwarder.localAddress();
    }

    /** The live nodes by id, with their internal addresses. */
    public Map<Integer, InetSocketAddress> members() {
        return directory.members();
    }

    /**
     * Sets {@code server}'s Connection ID generator (this node's id in the first byte, the rest
     * random, RFC 9146 §3) and its shared resumption cache (RFC 5246 §7.3, in Redis, AES-GCM
     * sealed); its {@code connectionIdLength} must stay at least 4 (default 6): with fewer, a
     * handshake fails rather than issue guessable or colliding CIDs.
     *
     * <p>It also lifts the per-host handshake cap ({@code maxHandshakesPerAddress}): behind a UDP
     * balancer that does not keep the clients' addresses (nginx's stream proxy, IPVS in NAT mode)
     * every handshake comes from the balancer's address, and the cap would let each new
     * ClientHello replace another client's handshake in progress, which then times out after its
     * key exchange. {@code maxHandshakes} still bounds the handshakes in progress; limit flows per
     * client address at the balancer. Behind a balancer that keeps the clients' addresses, set
     * {@code maxHandshakesPerAddress} again after this call.
     */
    public DtlsConfig.ServerBuilder configure(DtlsConfig.ServerBuilder server) {
        int id = nodeId();
        return server.maxHandshakesPerAddress(Integer.MAX_VALUE).connectionIdGenerator((cid, random) -> {
            if (cid.length < MIN_CID_LENGTH) {
                throw new IllegalStateException("a cluster node needs Connection IDs of at least " + MIN_CID_LENGTH
                        + " bytes (the node id and 3 random ones): connectionIdLength is " + cid.length);
            }
            random.nextBytes(cid);
            cid[0] = (byte) id;
        }).resumptionCache(resumption);
    }

    /**
     * {@code dtls} with cluster forwarding under it (RFC 9146 §4, §6): give the result to {@code
     * CoapServer.builder().security(...)}. {@code dtls} must be built from a {@link #configure}d
     * configuration with Connection IDs of at least 4 bytes. The result is also {@code dtls}'s
     * {@link dev.tern.coap.spi.StateHolder}: with {@link #stateStore()} as the server's store, a
     * planned stop hands the node's DTLS sessions over, through Redis, to the next process that
     * leases this id, which goes on with them without a handshake.
     */
    public SecurityLayer secure(DtlsLayer dtls) {
        Objects.requireNonNull(dtls, "dtls");
        return new SecuredLayer(dtls);
    }

    /** A DTLS layer with the cluster's forwarding under it, whose state is the DTLS layer's. */
    private final class SecuredLayer implements SecurityLayer, dev.tern.coap.spi.StateHolder {
        private final DtlsLayer dtls;

        SecuredLayer(DtlsLayer dtls) {
            this.dtls = dtls;
        }

        @Override
        public String stateNamespace() {
            return dtls.stateNamespace();
        }

        @Override
        public java.util.Map<dev.tern.coap.Bytes, byte[]> exportState() {
            return dtls.exportState();
        }

        @Override
        public void restoreState(java.util.Map<dev.tern.coap.Bytes, byte[]> records) {
            dtls.restoreState(records);
        }

        @Override
        public String scheme() {
            return dtls.scheme();
        }

        @Override
        public int defaultPort() {
            return dtls.defaultPort();
        }

        @Override
        public Transport wrap(Transport datagrams, Scheduler scheduler) {
            return wrap(datagrams, scheduler, EndpointMetrics.NONE);
        }

        @Override
        public Transport wrap(Transport datagrams, Scheduler scheduler, EndpointMetrics metrics) {
            return dtls.wrap(new ForwardingTransport(datagrams, scheduler, forwarder), scheduler,
                    new HandshakeCounter(metrics, forwarder.fullHandshakes, forwarder.abbreviatedHandshakes));
        }
    }

    /**
     * The state store of this node id in Redis (the state SPI): give it to {@code
     * CoapServer.Builder.state(...)}. Observe relations (RFC 7641 §4) and the resumption cache are
     * saved there, sealed with AES-GCM, when the server closes, and loaded by the next server of
     * the node that holds this id: a planned restart keeps the observers. State that no node takes
     * back within {@link Builder#stateTtl} is dropped by Redis. Closing the store does nothing; the
     * node owns the connection.
     */
    public StateStore stateStore() {
        return state;
    }

    /**
     * The listener that mirrors this node's observe relations (RFC 7641 §4.1) into Redis: give it to
     * {@code CoapServer.Builder.relationListener(...)}. Changes go out in batches (never one command
     * per notification), at most {@link Builder#maxMirroredRelations} relations, with the node's
     * lease TTL: the relations of a node that dies vanish when its lease lapses. Through it the node
     * also ends the relations that {@link #cancelRelation} on any node names.
     */
    public RelationListener relationListener() {
        return mirror;
    }

    /**
     * The observe relations of every live node of the cluster, read from Redis (as mirrored, up to
     * one {@link Builder#relationBatch} behind). Blocks for the Redis round trips.
     */
    public List<ClusterRelation> relations() {
        return MirrorListing.list(connection.sync(), prefix, MirrorKind.RELATIONS, resumption).stream()
                .map(m -> new ClusterRelation(m.nodeId(), m.peer(), m.token(), m.path(), m.identity())).toList();
    }

    /**
     * Asks the node that holds {@code relation} to end it (RFC 7641 §4.2): the request is published,
     * signed with the cluster secret, on that node's channel; the node removes the relation and
     * sends the observer a confirmable {@code code} notification without Observe ({@code code}
     * 4.xx or 5.xx: 5.03 Service Unavailable invites it to register again). Returns whether the
     * node was listening; the ending itself is asynchronous (watch {@link #relations()}).
     */
    public boolean cancelRelation(ClusterRelation relation, Code code) {
        Objects.requireNonNull(relation, "relation");
        if (code.codeClass() != 4 && code.codeClass() != 5) {
            throw new IllegalArgumentException("a relation ends with a 4.xx or 5.xx notification: " + code);
        }
        return MirrorListing.cancel(connection.sync(), keys.controlMac(), prefix, MirrorKind.RELATIONS,
                relation.nodeId(), relation.peer(), relation.token(), code);
    }

    /** Relations this node serves but does not mirror, because {@link Builder#maxMirroredRelations} were. */
    public long relationsNotMirrored() {
        return mirror.mirror().refused();
    }

    /** Cancels this node ignored: malformed, stale, for another node or not signed with the cluster secret. */
    public long relationCancelsRejected() {
        return mirror.mirror().cancelsRejected();
    }

    /**
     * The listener that mirrors the observations of this node's clients (RFC 7641 §3) into Redis,
     * like the relations ({@link #relationListener()}: batched, bounded by {@link
     * Builder#maxMirroredObservations}, with the lease TTL): give it to {@code
     * CoapClient.Builder.observationListener(...)}. Through it the node also deregisters the
     * observations that {@link #cancelClientObservation} on any node names.
     */
    public ClientObservationListener clientObservationListener() {
        return observations;
    }

    /**
     * The client observations of every live node of the cluster, read from Redis (as mirrored, up
     * to one {@link Builder#relationBatch} behind). Blocks for the Redis round trips.
     */
    public List<ClusterObservation> clientObservations() {
        return MirrorListing.list(connection.sync(), prefix, MirrorKind.OBSERVATIONS, resumption).stream()
                .map(m -> new ClusterObservation(m.nodeId(), m.peer(), m.token(), m.path())).toList();
    }

    /**
     * Asks the node whose client holds {@code observation} to cancel it: the request is published,
     * signed with the cluster secret, on that node's channel; the client deregisters with a GET
     * carrying Observe=1 and the observation's token (RFC 7641 §3.6). Returns whether the node was
     * listening; the cancel itself is asynchronous (watch {@link #clientObservations()}).
     */
    public boolean cancelClientObservation(ClusterObservation observation) {
        Objects.requireNonNull(observation, "observation");
        return MirrorListing.cancel(connection.sync(), keys.controlMac(), prefix, MirrorKind.OBSERVATIONS,
                observation.nodeId(), observation.server(), observation.token(), Code.EMPTY);
    }

    /** Client observations of this node not mirrored, because {@link Builder#maxMirroredObservations} were. */
    public long clientObservationsNotMirrored() {
        return observations.mirror().refused();
    }

    /** Observation cancels this node ignored: malformed, stale, for another node or a bad MAC. */
    public long clientObservationCancelsRejected() {
        return observations.mirror().cancelsRejected();
    }

    /** The node's figures now. */
    public ClusterStatistics statistics() {
        return forwarder.statistics(resumption, health);
    }

    /** A planned leave: the id is released and announced at once, then Redis is disconnected. */
    @Override
    public void close() {
        close(true);
    }

    /** Stops without releasing the lease, as a crashed node would: its lease lapses after the TTL. */
    void halt() {
        close(false);
    }

    private synchronized void close(boolean release) {
        if (closed) {
            return;
        }
        closed = true;
        mirror.mirror().close(release);
        observations.mirror().close(release);
        forwarder.close();
        directory.close(release);
        shutdownRedis();
    }

    private void shutdownRedis() {
        try {
            if (connection != null) {
                connection.close();
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    /** The settings of a node; each has a default except the Redis URI and the secret. */
    public static final class Builder {
        private String redis;
        private byte[] secret;
        private int nodeId;
        private InetSocketAddress internal = new InetSocketAddress("127.0.0.1", 0);
        private String prefix = "tern";
        private Duration leaseTtl = Duration.ofSeconds(10);
        private Duration resumptionTtl = Duration.ofHours(1);
        private Duration redisTimeout = Duration.ofMillis(500);
        private int maxQueuedWrites = 10_000;
        private int maxRelayRoutes = 100_000;
        private Duration relayRouteIdle = Duration.ofMinutes(5);
        private Duration maxClockSkew = Duration.ofSeconds(30);
        private int maxBatchFrames = 32;
        private int maxBatchBytes = 8192;
        private Duration stateTtl = Duration.ofMinutes(10);
        private int maxMirroredRelations = 100_000;
        private int maxMirroredObservations = 100_000;
        private Duration relationBatch = Duration.ofMillis(200);

        private Builder() {
        }

        /** Redis, as {@code redis://HOST:PORT} (Lettuce's URI syntax). Required. */
        public Builder redis(String uri) {
            this.redis = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** The cluster secret (at least 16 bytes), the same on every node: keys the forwarding MAC and the cache. Required. */
        public Builder secret(byte[] secret) {
            this.secret = secret.clone();
            return this;
        }

        /** This node's id, 1..255; default 0: the lowest id no live node holds. */
        public Builder nodeId(int id) {
            if (id < 0 || id > 255) {
                throw new IllegalArgumentException("nodeId must be 1..255 (0: any free one): " + id);
            }
            this.nodeId = id;
            return this;
        }

        /** The internal UDP address other nodes forward to. Default 127.0.0.1 and a free port. */
        public Builder internalAddress(InetSocketAddress address) {
            this.internal = Objects.requireNonNull(address, "address");
            return this;
        }

        /** The prefix of the cluster's Redis keys and channel. Default {@code tern}. */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** How long a node id stays leased without renewal (renewed every third of it). Default 10 s. */
        public Builder leaseTtl(Duration ttl) {
            this.leaseTtl = atLeast(ttl, Duration.ofMillis(150), "leaseTtl");
            return this;
        }

        /** How long a resumable session stays in Redis. Default 1 h. */
        public Builder resumptionTtl(Duration ttl) {
            this.resumptionTtl = atLeast(ttl, Duration.ofSeconds(1), "resumptionTtl");
            return this;
        }

        /** The longest a Redis command is waited for (a resumption lookup, the connection). Default 500 ms. */
        public Builder redisTimeout(Duration timeout) {
            this.redisTimeout = atLeast(timeout, Duration.ofMillis(10), "redisTimeout");
            return this;
        }

        /** Redis writes queued while Redis is unreachable, beyond which they fail. Default 10 000. */
        public Builder maxQueuedWrites(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxQueuedWrites must be at least 1: " + n);
            }
            this.maxQueuedWrites = n;
            return this;
        }

        /** Clients whose records come through another node, remembered to route replies. Default 100 000. */
        public Builder maxRelayRoutes(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxRelayRoutes must be at least 1: " + n);
            }
            this.maxRelayRoutes = n;
            return this;
        }

        /** A relay route unused this long may be forgotten. Default 5 min. */
        public Builder relayRouteIdle(Duration idle) {
            this.relayRouteIdle = atLeast(idle, Duration.ofSeconds(1), "relayRouteIdle");
            return this;
        }

        /**
         * Forwarded records (and relayed replies) for one node that the I/O thread produces while
         * it handles one read batch leave as one internal datagram of at most {@code maxFrames}
         * frames and {@code maxBytes} bytes (a frame bigger than that leaves alone); a node drops
         * and counts a batch of more than its {@code maxFrames} frames, so give every node the
         * same values. 1 frame: no batching. Default 32 frames, 8192 bytes; lower the bytes below
         * the path MTU between the nodes if IP fragments are unwelcome there.
         */
        public Builder forwardBatch(int maxFrames, int maxBytes) {
            if (maxFrames < 1 || maxFrames > 255) {
                throw new IllegalArgumentException("forwardBatch maxFrames must be 1 to 255: " + maxFrames);
            }
            if (maxBytes < 512 || maxBytes > 65_507) {
                throw new IllegalArgumentException("forwardBatch maxBytes must be 512 to 65507: " + maxBytes);
            }
            this.maxBatchFrames = maxFrames;
            this.maxBatchBytes = maxBytes;
            return this;
        }

        /** The largest clock difference accepted in a forwarded frame's timestamp. Default 30 s. */
        public Builder maxClockSkew(Duration skew) {
            this.maxClockSkew = atLeast(skew, Duration.ofSeconds(1), "maxClockSkew");
            return this;
        }

        /** How long a node id's saved state waits in Redis for the node that takes the id back. Default 10 min. */
        public Builder stateTtl(Duration ttl) {
            this.stateTtl = atLeast(ttl, Duration.ofSeconds(1), "stateTtl");
            return this;
        }

        /** Observe relations of this node mirrored into Redis at most; more are served but not listed. Default 100 000. */
        public Builder maxMirroredRelations(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxMirroredRelations must not be negative: " + n);
            }
            this.maxMirroredRelations = n;
            return this;
        }

        /** Client observations of this node mirrored into Redis at most; more are kept but not listed. Default 100 000. */
        public Builder maxMirroredObservations(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxMirroredObservations must not be negative: " + n);
            }
            this.maxMirroredObservations = n;
            return this;
        }

        /** How often the changed relations and client observations go to Redis, in one batch each. Default 200 ms. */
        public Builder relationBatch(Duration period) {
            this.relationBatch = atLeast(period, Duration.ofMillis(10), "relationBatch");
            return this;
        }

        private static Duration atLeast(Duration d, Duration min, String name) {
            if (d.compareTo(min) < 0) {
                throw new IllegalArgumentException(name + " must be at least " + min + ": " + d);
            }
            return d;
        }

        /**
         * Connects to Redis and leases the node id; throws {@link IllegalStateException} naming the
         * URI when Redis is unreachable, or when the id is held by another live node.
         */
        public Cluster start() {
            if (redis == null || secret == null) {
                throw new IllegalStateException("a cluster node needs redis(...) and secret(...)");
            }
            return new Cluster(this);
        }
    }
}
