package dev.tern.coap.cli;

import picocli.CommandLine.Option;

/**
 * The cluster flags of {@code tern serve}: {@code --cluster redis://HOST:PORT} makes the coaps
 * server one node of a cluster (tern-cluster: node ids leased in Redis, DTLS Connection IDs that
 * carry the node id, RFC 9146; forwarding between nodes; a resumption cache in Redis). Building the
 * node is left to {@link ClusterSetup}.
 */
final class ClusterFlags {
    /** The heading of the group in {@code --help}. */
    static final String HEADING = "%nCluster (with --dtls; see docs/cluster.md):%n";

    @Option(names = "--cluster", paramLabel = "URI", order = 300,
            description = "be one node of a cluster whose state is in Redis at URI (redis://HOST:PORT)")
    String redis;

    @Option(names = "--node-id", paramLabel = "N", order = 301,
            description = "this node's id, 1..255, refused if a live node holds it (default: the lowest free one)")
    int nodeId;

    @Option(names = "--cluster-secret", paramLabel = "KEY", order = 302,
            description = "the secret shared by the nodes (at least 16 bytes), from @FILE or env:VAR")
    String secret;

    @Option(names = "--cluster-port", paramLabel = "PORT", order = 303,
            description = "UDP port for forwarding between nodes (default: 0, any free one)")
    int port;

    @Option(names = "--cluster-bind", paramLabel = "ADDR", order = 304,
            description = "address of that port, reachable by the other nodes (default: ${DEFAULT-VALUE})")
    String bind = "127.0.0.1";

    /** Whether {@code --cluster} was given. */
    boolean enabled() {
        return redis != null;
    }

    /** Checks the flags' combinations; {@code dtls} says whether {@code --dtls} was given. */
    void check(boolean dtls) {
        if (!enabled()) {
            if (secret != null || nodeId != 0 || port != 0) {
                throw new UsageException("--node-id, --cluster-secret and --cluster-port need --cluster");
            }
            return;
        }
        if (!dtls) {
            throw new UsageException("--cluster needs --dtls: a cluster spreads coaps:// (DTLS Connection IDs)");
        }
        if (secret == null) {
            throw new UsageException("--cluster needs --cluster-secret @FILE (the same secret on every node)");
        }
        if (nodeId < 0 || nodeId > 255) {
            throw new UsageException("--node-id must be 1..255: " + nodeId);
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("--cluster-port must be 0..65535: " + port);
        }
    }
}
