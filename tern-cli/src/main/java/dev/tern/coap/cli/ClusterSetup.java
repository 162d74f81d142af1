package dev.tern.coap.cli;

import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.cluster.Cluster;
import java.net.InetSocketAddress;

/**
 * Turns the cluster flags into a {@code tern-cluster} node. The one class of the command that uses
 * {@code tern-cluster} (and so Lettuce); it is loaded only with {@code --cluster}.
 */
final class ClusterSetup {
    /** Where a node's figures are served (only with {@code --cluster}). */
    static final String STATUS_PATH = "/.well-known/tern/cluster";

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

    /** Adds the node's status resource, its figures as JSON. */
    static void addStatus(Router.Builder routes, Cluster node) {
        routes.get(STATUS_PATH, r -> Response.content(node.statistics().toJson()));
    }
}
