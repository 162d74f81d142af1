package dev.tern.coap.cluster.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's lease on its id and the cluster's membership, in Redis. A lease is the key
 * {@code PREFIX:node:ID} set with NX and a TTL, holding this process's random token and its
 * internal forwarding address; it is renewed every third of the TTL by a script that only extends
 * the key while it still holds the token (or sets it again when Redis lost it), so two live nodes
 * never hold one id. Members are the node keys alive in Redis: read every renewal period, and
 * between reads told by the {@code PREFIX:members} channel of joins and planned leaves. While Redis
 * is unreachable the last membership stays in use and the renewal is retried.
 */
public final class NodeDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeDirectory.class);
    /** Extends the lease while it is ours; sets it again if Redis lost it; 0 when another node holds it. */
    private static final String RENEW = "local v = redis.call('GET', KEYS[1]) "
            + "if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 "
            + "elseif not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 "
            + "else return 0 end";
    private static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('DEL', KEYS[1]) else return 0 end";

    private final String prefix;
    private final String redisUri;
    private final RedisCommands<String, String> redis;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final Duration ttl;
    private final String value;
    private final int nodeId;
    private final ScheduledExecutorService timer;
    private final Map<Integer, InetSocketAddress> members = new ConcurrentHashMap<>();
    private final RedisHealth health;
    private volatile boolean conflict;
    private final Runnable onLost;

    /**
     * Leases {@code requested} (or, when 0, the lowest free id of 1..{@code maxNodeId}) for the
     * node reachable at {@code internal}; throws {@link IllegalStateException} when the id is held.
     */
    public NodeDirectory(RedisClient client, StatefulRedisConnection<String, String> connection, String redisUri,
                         String prefix, int requested, int maxNodeId, Duration ttl, InetSocketAddress internal,
                         RedisHealth health, Runnable onLost) {
        this.onLost = onLost;
        this.prefix = prefix;
        this.redisUri = redisUri;
        this.redis = connection.sync();
        this.ttl = ttl;
        this.health = health;
        byte[] token = new byte[12];
        new SecureRandom().nextBytes(token);
        this.value = HexFormat.of().formatHex(token) + " " + internal.getAddress().getHostAddress() + " "
                + internal.getPort();
        this.nodeId = requested > 0 ? lease(requested) : leaseFree(maxNodeId);
        this.pubSub = client.connectPubSub();
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                onAnnouncement(message);
            }
        });
        pubSub.sync().subscribe(prefix + ":members");
        refresh();
        redis.publish(prefix + ":members", "join " + nodeId + " " + value.substring(value.indexOf(' ') + 1));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tern-cluster-lease-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(50, ttl.toMillis() / 3);
        timer.scheduleWithFixedDelay(this::renewAndRefresh, period, period, TimeUnit.MILLISECONDS);
    }

    private String key(int id) {
        return prefix + ":node:" + id;
    }

    private int lease(int id) {
        if ("OK".equals(redis.set(key(id), value, SetArgs.Builder.nx().px(ttl.toMillis())))) {
            return id;
        }
        String holder = redis.get(key(id));
        Long left = redis.pttl(key(id));
        throw new IllegalStateException("node id " + id + " is held by another live node"
                + (holder == null ? "" : " (internal address " + address(holder) + ")") + " in " + redisUri
                + "; choose another --node-id, or wait " + (left == null || left < 0 ? ttl.toMillis() : left)
                + " ms for its lease to expire");
    }

    private int leaseFree(int maxNodeId) {
        for (int id = 1; id <= maxNodeId; id++) {
            if ("OK".equals(redis.set(key(id), value, SetArgs.Builder.nx().px(ttl.toMillis())))) {
                return id;
            }
        }
        throw new IllegalStateException("all node ids 1.." + maxNodeId + " are held by live nodes in " + redisUri);
    }

    /** The leased node id. */
    public int nodeId() {
        return nodeId;
    }

    /** The internal address of live node {@code id}, or null. */
    public InetSocketAddress member(int id) {
        return members.get(id);
    }

    /** The live nodes and their internal addresses, this one included. */
    public Map<Integer, InetSocketAddress> members() {
        return Map.copyOf(members);
    }

    /** Whether another node took this node's id after this node's lease lapsed (this node then stopped). */
    public boolean conflict() {
        return conflict;
    }

    private void renewAndRefresh() {
        long start = System.nanoTime();
        try {
            Long r = redis.eval(RENEW, ScriptOutputType.INTEGER, new String[] {key(nodeId)}, value,
                    Long.toString(ttl.toMillis()));
            if (r != null && r == 0L) {
                // two live nodes must never share an id: this one, whose lease lapsed, stops
                LOG.error("node id {} was taken by another node in {} while this node's lease had lapsed (a pause"
                        + " longer than the lease TTL?): this node stops serving coaps; restart it", nodeId, redisUri);
                conflict = true;
                timer.shutdown();
                onLost.run();
                return;
            }
            refresh();
            health.ok(System.nanoTime() - start);
        } catch (RuntimeException e) {
            health.failed(e);
        }
    }

    /** Reads the node keys: the live members. */
    private void refresh() {
        Map<Integer, InetSocketAddress> now = new HashMap<>();
        ScanIterator<String> keys = ScanIterator.scan(redis, ScanArgs.Builder.matches(prefix + ":node:*").limit(500));
        while (keys.hasNext()) {
            String k = keys.next();
            String v = redis.get(k);
            InetSocketAddress a = v == null ? null : address(v);
            if (a != null) {
                try {
                    now.put(Integer.parseInt(k.substring(k.lastIndexOf(':') + 1)), a);
                } catch (NumberFormatException e) {
                    // not a node key of ours
                }
            }
        }
        members.keySet().retainAll(now.keySet());
        members.putAll(now);
    }

    private void onAnnouncement(String message) {
        String[] p = message.split(" ");
        try {
            int id = Integer.parseInt(p[1]);
            if ("join".equals(p[0]) && p.length == 4) {
                members.put(id, new InetSocketAddress(p[2], Integer.parseInt(p[3])));
            } else if ("leave".equals(p[0]) && id != nodeId) {
                members.remove(id);
            }
        } catch (RuntimeException e) {
            LOG.debug("ignored cluster announcement {}", message);
        }
    }

    private static InetSocketAddress address(String v) {
        String[] p = v.split(" ");
        if (p.length != 3) {
            return null;
        }
        try {
            return new InetSocketAddress(p[1], Integer.parseInt(p[2]));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Stops renewing; {@code release} gives the id up at once (a planned leave), else it lapses. */
    public void close(boolean release) {
        timer.shutdownNow();
        if (release) {
            try {
                redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {key(nodeId)}, value);
                redis.publish(prefix + ":members", "leave " + nodeId);
            } catch (RuntimeException e) {
                LOG.debug("node id {} not released: {}", nodeId, e.toString());
            }
        }
        pubSub.close();
    }

    @Override
    public void close() {
        close(true);
    }

    /** Counts Redis round trips and failures for the status figures. */
    public static final class RedisHealth {
        private final AtomicLong errors = new AtomicLong();
        private final AtomicLong lastLatencyMicros = new AtomicLong();

        void ok(long nanos) {
            lastLatencyMicros.set(nanos / 1000);
        }

        void failed(RuntimeException e) {
            if (errors.incrementAndGet() % 100 == 1) {
                LOG.warn("Redis: {}", e.toString());
            }
        }

        /** Failed Redis operations so far. */
        public long errors() {
            return errors.get();
        }

        /** Latency of the last lease renewal with membership read, in microseconds. */
        public long lastLatencyMicros() {
            return lastLatencyMicros.get();
        }
    }
}
