package dev.tern.coap.dtls;

/**
 * Entry point of {@code tern-dtls}: CoAP over DTLS 1.2 ({@code coaps://}, RFC 7252 §9).
 *
 * <pre>{@code
 * CoapServer server = CoapServer.builder()
 *     .security(Dtls.server(DtlsConfig.server().pskStore("dev1", "secret".getBytes()).build()))
 *     .service(router)
 *     .build().start();                                  // port 5684
 *
 * try (CoapClient client = CoapClient.builder()
 *         .security(Dtls.client(DtlsConfig.client().psk("dev1", "secret").build()))
 *         .build()) {
 *     client.get("coaps://localhost/hello");
 * }
 * }</pre>
 */
public final class Dtls {
    private Dtls() {
    }

    /** A server layer (RFC 7252 §9.1); needs a {@link DtlsConfig#server()} with a PSK store, a certificate or a raw public key. */
    public static DtlsLayer server(DtlsConfig config) {
        if (!config.hasPsk() && !config.hasKeyPair()) {
            throw new IllegalArgumentException("a DTLS server needs a PSK store, a certificate or a raw public key");
        }
        if (!config.isServer()) {
            throw new IllegalArgumentException("a client configuration (DtlsConfig.client()) given to Dtls.server; "
                    + "build it with DtlsConfig.server()");
        }
        return new DtlsLayer(config, true);
    }

    /**
     * A client layer (RFC 7252 §9.1); needs a {@link DtlsConfig#client()} with a PSK, trusted certificates or
     * keys (or trust-all), or own credentials.
     */
    public static DtlsLayer client(DtlsConfig config) {
        if (config.isServer()) {
            throw new IllegalArgumentException("a server configuration (DtlsConfig.server()) given to Dtls.client; "
                    + "build it with DtlsConfig.client()");
        }
        if (!config.hasPsk() && !config.hasKeyPair() && config.trustedCertificates().isEmpty()
                && config.trustedKeys().isEmpty() && !config.trustAll()) {
            throw new IllegalArgumentException("a DTLS client needs a PSK, trusted certificates or keys, or trustAll");
        }
        return new DtlsLayer(config, false);
    }
}
