/**
 * Tern as a transport for Eclipse Leshan 2.0 (OMA LwM2M 1.1 over CoAP, RFC 7252, and CoAP over
 * DTLS, RFC 7252 §9): {@link dev.tern.coap.leshan.TernServerEndpointsProvider} serves Leshan's
 * server on Tern. Leshan's jars are automatic modules.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.tern.coap.leshan {
    requires transitive dev.tern.coap;
    requires dev.tern.coap.dtls;
    requires transitive leshan.lwm2m.server;
    requires transitive leshan.lwm2m.core;
    requires transitive leshan.lwm2m.servers.shared;
    requires transitive leshan.lwm2m.client;
    requires org.slf4j;
    requires java.naming;

    exports dev.tern.coap.leshan;
}
