/**
 * Tern nodes as one {@code coaps} server behind a UDP load balancer ({@link dev.tern.coap.cluster.Cluster}):
 * node ids leased in Redis, DTLS Connection IDs that carry the node id (RFC 9146), authenticated
 * forwarding of records to the node owning their CID, and a DTLS resumption cache in Redis.
 */
package dev.tern.coap.cluster;
