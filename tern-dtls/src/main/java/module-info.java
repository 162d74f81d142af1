/**
 * Tern DTLS: CoAP over DTLS 1.2 ({@code coaps}, RFC 7252 §9) on BouncyCastle. Exports only the
 * public API ({@code dev.tern.coap.dtls}: {@code Dtls}, {@code DtlsConfig}, {@code Pem} and their
 * value types); {@code dev.tern.coap.dtls.internal} is an implementation detail.
 */
module dev.tern.coap.dtls {
    requires transitive dev.tern.coap;
    requires org.bouncycastle.tls;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.util;
    requires org.slf4j;
    requires java.naming;

    exports dev.tern.coap.dtls;
}
