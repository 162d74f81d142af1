package dev.tern.coap.cluster;

/**
 * What a cluster node has done since it started: forwarding (RFC 9146 Connection IDs of other
 * nodes), the shared resumption cache (RFC 5246 §7.3) and Redis.
 *
 * @param nodeId this node's leased id
 * @param members live nodes, this one included
 * @param recordsForwarded records sent to the node owning their Connection ID
 * @param recordsReceived records other nodes forwarded here
 * @param repliesRelayed datagrams sent back through the node a client's records came through
 * @param repliesSent datagrams sent to clients for other nodes
 * @param droppedForged internal frames dropped: malformed or a bad MAC
 * @param droppedNonMember internal frames dropped: not from a live member's address
 * @param droppedStale internal frames dropped: timestamp outside the allowed clock skew
 * @param droppedOwnerGone records whose Connection ID names a node that is not live
 * @param relayRoutes clients whose records come through another node now
 * @param relayRoutesRefused relay routes refused at the bound
 * @param fullHandshakes DTLS handshakes completed in full by this node's endpoints
 * @param abbreviatedHandshakes DTLS handshakes that resumed a session (RFC 5246 §7.3), from memory or Redis
 * @param resumptionHits sessions found in the shared cache
 * @param resumptionMisses session IDs not in the shared cache
 * @param resumptionRejected shared entries that did not authenticate
 * @param redisErrors failed Redis operations
 * @param redisLatencyMicros latency of the last lease renewal with membership read
 * @param leaseConflict whether another node took this node's id after its lease lapsed: this node then
 *     stopped serving coaps (two live nodes never share an id)
 */
public record ClusterStatistics(int nodeId, int members, long recordsForwarded, long recordsReceived,
                                long repliesRelayed, long repliesSent, long droppedForged, long droppedNonMember,
                                long droppedStale, long droppedOwnerGone, int relayRoutes, long relayRoutesRefused,
                                long fullHandshakes, long abbreviatedHandshakes,
                                long resumptionHits, long resumptionMisses, long resumptionRejected, long redisErrors,
                                long redisLatencyMicros, boolean leaseConflict) {

    /** The figures as one JSON object, for a status resource. */
    public String toJson() {
        return "{\"nodeId\":" + nodeId + ",\"members\":" + members + ",\"recordsForwarded\":" + recordsForwarded
                + ",\"recordsReceived\":" + recordsReceived + ",\"repliesRelayed\":" + repliesRelayed
                + ",\"repliesSent\":" + repliesSent + ",\"droppedForged\":" + droppedForged
                + ",\"droppedNonMember\":" + droppedNonMember + ",\"droppedStale\":" + droppedStale
                + ",\"droppedOwnerGone\":" + droppedOwnerGone + ",\"relayRoutes\":" + relayRoutes
                + ",\"relayRoutesRefused\":" + relayRoutesRefused + ",\"fullHandshakes\":" + fullHandshakes
                + ",\"abbreviatedHandshakes\":" + abbreviatedHandshakes + ",\"resumptionHits\":" + resumptionHits
                + ",\"resumptionMisses\":" + resumptionMisses + ",\"resumptionRejected\":" + resumptionRejected
                + ",\"redisErrors\":" + redisErrors + ",\"redisLatencyMicros\":" + redisLatencyMicros
                + ",\"leaseConflict\":" + leaseConflict + "}";
    }
}
