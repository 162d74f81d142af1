package dev.tern.coap.cluster;

import dev.tern.coap.Bytes;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A client observation (RFC 7641 §3) held by a client of a node of the cluster, as listed by
 * {@link Cluster#clientObservations()}: the node, the observed server's address, the token and the
 * observed path.
 *
 * @param nodeId the node whose client holds the observation and receives its notifications
 * @param server the observed server's address
 * @param token the observation's token
 * @param path the observed resource's path
 */
public record ClusterObservation(int nodeId, InetSocketAddress server, Bytes token, String path) {
    /** Checks that nothing is null. */
    public ClusterObservation {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(path, "path");
    }
}
