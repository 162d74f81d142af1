package dev.tern.coap.cluster;

import dev.tern.coap.Bytes;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * An observe relation (RFC 7641 §4.1) held by a node of the cluster, as listed by
 * {@link Cluster#relations()}: the node, the observer's address, the token, the observed path and
 * the security identity it registered under ({@code KIND:cipherSuite:name}, RFC 7252 §9.1; empty
 * over plain {@code coap}). No key material.
 *
 * @param nodeId the node that holds the relation and sends its notifications
 * @param peer the observer's address as that node sees it
 * @param token the relation's token
 * @param path the observed resource's path
 * @param identity the observer's security identity, if any
 */
public record ClusterRelation(int nodeId, InetSocketAddress peer, Bytes token, String path,
                              Optional<String> identity) {
    /** Checks that nothing is null. */
    public ClusterRelation {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(identity, "identity");
    }
}
