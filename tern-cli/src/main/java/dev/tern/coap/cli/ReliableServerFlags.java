package dev.tern.coap.cli;

import dev.tern.coap.CoapServer;
import dev.tern.coap.tcp.TlsConfig;
import dev.tern.coap.tcp.TlsTransports;
import dev.tern.coap.tcp.WebSocketTransports;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags of {@code tern serve} for CoAP over TLS and WebSockets (RFC 8323): {@code --tls}
 * ({@code coaps+tcp}), {@code --ws} ({@code coap+ws}), {@code --wss} ({@code coaps+ws}), each
 * with its port. TLS takes its credentials from the same flags as {@code --dtls}: X.509
 * {@code -c/-j/-C/--client-auth}, pre-shared keys {@code -u/-k/--psk-file}, raw public keys
 * {@code --rpk -j/--trusted-key/--client-auth}.
 */
final class ReliableServerFlags {
    @Option(names = "--tls", description = "also serve coaps+tcp:// (CoAP over TLS, RFC 8323) with the -c/-j certificate, the PSK of -u/-k, or the --rpk -j raw public key")
    boolean tls;

    @Option(names = "--tls-port", paramLabel = "PORT", description = "TCP port for --tls (default: ${DEFAULT-VALUE}; 0 picks one)")
    int tlsPort = TlsTransports.DEFAULT_PORT;

    @Option(names = "--ws", description = "also serve coap+ws:// (CoAP over WebSockets on /.well-known/coap, RFC 8323)")
    boolean ws;

    @Option(names = "--ws-port", paramLabel = "PORT", description = "TCP port for --ws (default: ${DEFAULT-VALUE}; 0 picks one)")
    int wsPort = 8080;

    @Option(names = "--wss", description = "also serve coaps+ws:// (WebSockets over TLS) with the same credentials as --tls")
    boolean wss;

    @Option(names = "--wss-port", paramLabel = "PORT", description = "TCP port for --wss (default: ${DEFAULT-VALUE}; 0 picks one)")
    int wssPort = 8443;

    /** Whether a listener needs TLS credentials. */
    boolean needsTls() {
        return tls || wss;
    }

    /** Throws {@link UsageException} for ports out of range. */
    void check() {
        for (int p : new int[] {tlsPort, wsPort, wssPort}) {
            if (p < 0 || p > 65535) {
                throw new UsageException("--tls-port, --ws-port and --wss-port must be 0..65535: " + p);
            }
        }
    }

    /**
     * The TLS configuration from the DTLS credential flags: X.509, or pre-shared keys and/or a raw
     * public key (RFC 8323 §9.1, RFC 7250) through BouncyCastle's TLS 1.3 and 1.2.
     */
    static TlsConfig tlsConfig(DtlsServerFlags f, KeyHygiene hygiene) {
        java.util.Map<String, byte[]> keys = f.pskKeys(hygiene);
        if (f.cert == null) {
            if (!f.caCerts.isEmpty()) {
                throw new UsageException("-C (trusted CA certificates) needs an X.509 server (-c) over TLS;"
                        + " with --rpk, trust clients' keys with --trusted-key");
            }
            return DtlsSetup.tlsServer(f, hygiene, keys); // flags checked: PSK or --rpk given
        }
        if (!keys.isEmpty() || !f.trustedKeys.isEmpty()) {
            throw new UsageException("--tls and --wss take either X.509 (-c/-j, -C) or pre-shared and raw public keys"
                    + " (-u/-k, --rpk -j, --trusted-key), not both");
        }
        DtlsSetup.X509 x509 = DtlsSetup.x509(f, hygiene);
        TlsConfig.Builder b = TlsConfig.builder().identity(x509.key(), x509.chain()).trust(x509.trusted());
        b.requireClientCertificate(f.clientAuth == DtlsServerFlags.ClientAuthArgument.needed
                || f.clientAuth == null && !x509.trusted().isEmpty());
        return b.build();
    }

    /** Adds the listeners asked for to {@code server}; returns their schemes. */
    List<String> addTo(CoapServer.Builder server, InetAddress bind, TlsConfig config) {
        List<String> schemes = new ArrayList<>();
        if (tls) {
            TlsTransports.Builder t = TlsTransports.builder().config(config).port(tlsPort);
            if (bind != null) {
                t.bind(bind);
            }
            server.listener(t.buildServer());
            schemes.add("coaps+tcp");
        }
        if (ws) {
            WebSocketTransports.Builder w = WebSocketTransports.builder().port(wsPort);
            if (bind != null) {
                w.bind(bind);
            }
            server.listener(w.buildServer());
            schemes.add("coap+ws");
        }
        if (wss) {
            WebSocketTransports.Builder w = WebSocketTransports.builder().tls(config).port(wssPort);
            if (bind != null) {
                w.bind(bind);
            }
            server.listener(w.buildServer());
            schemes.add("coaps+ws");
        }
        return schemes;
    }
}
