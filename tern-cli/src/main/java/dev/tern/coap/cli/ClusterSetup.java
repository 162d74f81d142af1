package dev.tern.coap.cli;

import dev.tern.coap.Code;
import dev.tern.coap.Method;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.cluster.Cluster;
import dev.tern.coap.cluster.ClusterRelation;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Turns the cluster flags into a {@code tern-cluster} node. The one class of the command that uses
 * {@code tern-cluster} (and so Lettuce); it is loaded only with {@code --cluster}.
 */
final class ClusterSetup {
    /** Where a node's figures are served (only with {@code --cluster}). */
    static final String STATUS_PATH = "/.well-known/tern/cluster";
    /** Where the cluster's observe relations are listed (only with {@code --cluster}). */
    static final String RELATIONS_PATH = STATUS_PATH + "/relations";

    private ClusterSetup() {
    }

    /**
     * Connects to Redis and leases the node id; an unreachable Redis or a held id is an
     * {@link IllegalStateException} whose message names the URI.
     */
    static Cluster start(ClusterFlags f, KeyHygiene hygiene) {
        byte[] secret = PskKeys.option(f.secret, "--cluster-secret", hygiene);
        try {
            return Cluster.builder().redis(f.redis).secret(secret).nodeId(f.nodeId)
                    .internalAddress(new InetSocketAddress(f.bind, f.port)).start();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * Adds the node's status resource, its figures as JSON, and the listing of the whole cluster's
     * observe relations (RFC 7641 §4.1) read from Redis, as {@code {"notMirrored":N,"relations":
     * [{"node":ID,"path":"/time","secure":false}, ...]}}: like the figures, no address, token or
     * identity, which anyone who can send a GET would otherwise learn ({@code Cluster.relations()}
     * gives them to a program).
     */
    static void addStatus(Router.Builder routes, Cluster node) {
        routes.get(STATUS_PATH, r -> Response.content(node.statistics().toJson()));
        // read from Redis off the I/O thread (handlers may run on it); Redis away: 5.03 (RFC 7252 §5.9.3.4)
        routes.route(Method.GET, RELATIONS_PATH, r -> CompletableFuture.supplyAsync(() -> relations(node)));
    }

    private static Response relations(Cluster node) {
        try {
            return Response.content("{\"notMirrored\":" + node.relationsNotMirrored() + ",\"relations\":["
                    + node.relations().stream().map(ClusterSetup::json).collect(Collectors.joining(",")) + "]}");
        } catch (RuntimeException e) {
            return Response.builder(Code.SERVICE_UNAVAILABLE).payload("Redis unreachable").build();
        }
    }

    private static String json(ClusterRelation r) {
        return "{\"node\":" + r.nodeId() + ",\"path\":" + Json.string(r.path()) + ",\"secure\":"
                + r.identity().isPresent() + "}";
    }
}
