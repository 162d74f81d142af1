/**
 * Tern Cluster: several Tern nodes as one coaps server (RFC 7252 §9, RFC 9146) with Redis (through
 * Lettuce, an automatic module) holding leases, membership and the DTLS resumption cache.
 */
module dev.tern.coap.cluster {
    requires transitive dev.tern.coap;
    requires transitive dev.tern.coap.dtls;
    requires lettuce.core;
    requires org.slf4j;

    exports dev.tern.coap.cluster;
}
