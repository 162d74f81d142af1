package dev.tern.coap.cli;

import dev.tern.coap.MessageTracer;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.dtls.ClientAuth;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.dtls.DtlsLayer;
import dev.tern.coap.dtls.DtlsSession;
import dev.tern.coap.dtls.Pem;
import dev.tern.coap.spi.SecurityLayer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns the DTLS flags into {@code tern-dtls} layers. The one class of the command that uses
 * {@code tern-dtls} (and so BouncyCastle); it is loaded only for {@code coaps://}.
 */
final class DtlsSetup {
    private DtlsSetup() {
    }

    /** A DTLS client layer from checked client flags; {@code hygiene} warns about how keys are given. */
    static SecurityLayer client(DtlsClientFlags f, KeyHygiene hygiene) {
        DtlsConfig.ClientBuilder b = DtlsConfig.client();
        if (f.pskIdentity != null) {
            b.psk(f.pskIdentity, PskKeys.option(f.pskKey, "-k", hygiene));
        }
        if (f.cert != null) {
            List<X509Certificate> chain = certificates(f.cert, "--cert");
            KeyPair pair = keyPair(f.key != null ? f.key : f.cert, f.key != null ? "-j" : "-j (or a key in --cert)",
                    hygiene);
            b.certificate(pair.getPrivate(), chain);
        } else if (f.rpk) {
            b.rawPublicKey(keyPair(f.key, "-j", hygiene));
        }
        f.caCerts.forEach(file -> b.trustedCertificates(certificates(file, "-C")));
        f.trustedKeys.forEach(file -> b.trustedKeys(publicKeys(file, "--trusted-key")));
        b.trustAll(f.insecure).connectionId(f.cid);
        try {
            return Dtls.client(b.build());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * A DTLS server layer from checked serve flags, and what it serves in words (never a key);
     * {@code hygiene} warns about how keys are given; failed handshakes go to {@code failures}.
     */
    static Server server(DtlsServerFlags f, KeyHygiene hygiene, HandshakeFailureLog failures) {
        return server(f, hygiene, failures, java.util.function.UnaryOperator.identity());
    }

    /**
     * A DTLS server layer as {@link #server}, for a node of {@code cluster}: its Connection IDs
     * carry the node id (RFC 9146), its resumable sessions are shared in Redis, and forwarding
     * between nodes sits under it.
     */
    static Server clusterServer(DtlsServerFlags f, KeyHygiene hygiene, HandshakeFailureLog failures,
                                dev.tern.coap.cluster.Cluster cluster) {
        Server plain = server(f, hygiene, failures, cluster::configure);
        return new Server(cluster.secure((DtlsLayer) plain.layer()), plain.description()
                + "; cluster node " + cluster.nodeId());
    }

    private static Server server(DtlsServerFlags f, KeyHygiene hygiene, HandshakeFailureLog failures,
                                 java.util.function.UnaryOperator<DtlsConfig.ServerBuilder> tune) {
        DtlsConfig.ServerBuilder b = DtlsConfig.server().onHandshakeFailure(failures::failed);
        List<String> said = new ArrayList<>();
        Map<String, byte[]> keys = f.pskKeys(hygiene);
        if (!keys.isEmpty()) {
            Map<String, byte[]> store = Map.copyOf(keys);
            b.pskStore(identity -> {
                byte[] k = store.get(identity);
                return k == null ? null : k.clone();
            });
            List<String> ids = new ArrayList<>(keys.keySet());
            said.add(ids.size() == 1 ? "PSK identity " + ids.get(0)
                    : ids.size() <= 3 ? "PSK identities " + String.join(", ", ids)
                    : ids.size() + " PSK identities");
        }
        if (f.cert != null) {
            List<X509Certificate> chain = certificates(f.cert, "--cert");
            KeyPair pair = keyPair(f.key != null ? f.key : f.cert, f.key != null ? "-j" : "-j (or a key in --cert)",
                    hygiene);
            b.certificate(pair.getPrivate(), chain);
            said.add("X.509 " + chain.get(0).getSubjectX500Principal().getName());
        } else if (f.rpk) {
            KeyPair pair = keyPair(f.key, "-j", hygiene);
            b.rawPublicKey(pair);
            said.add("raw public key " + PeerIdentity.niName(pair.getPublic()));
        }
        f.caCerts.forEach(file -> b.trustedCertificates(certificates(file, "-C")));
        f.trustedKeys.forEach(file -> b.trustedKeys(publicKeys(file, "--trusted-key")));
        if (f.clientAuth != null) {
            b.clientAuth(ClientAuth.valueOf(f.clientAuth.name().toUpperCase(java.util.Locale.ROOT)));
        }
        DtlsConfig config;
        DtlsLayer layer;
        try {
            config = tune.apply(b).build();
            layer = Dtls.server(config);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (config.clientAuth() == ClientAuth.NEEDED) {
            said.add("clients must present a trusted certificate or key");
        } else if (config.clientAuth() == ClientAuth.WANTED) {
            said.add("clients may present a certificate or key");
        }
        return new Server(layer, String.join("; ", said));
    }

    /** The X.509 credentials of {@code -c/-j/-C}, for TLS (coaps+tcp, coaps+ws). */
    record X509(java.security.PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trusted) {
    }

    /** The {@code -c/-j} certificate and key and the {@code -C} anchors; {@code f.cert} must be set. */
    static X509 x509(DtlsServerFlags f, KeyHygiene hygiene) {
        List<X509Certificate> chain = certificates(f.cert, "--cert");
        KeyPair pair = keyPair(f.key != null ? f.key : f.cert, f.key != null ? "-j" : "-j (or a key in --cert)",
                hygiene);
        List<X509Certificate> trusted = new ArrayList<>();
        f.caCerts.forEach(file -> trusted.addAll(certificates(file, "-C")));
        return new X509(pair.getPrivate(), chain, trusted);
    }

    /**
     * The client's TLS configuration (coaps+tcp, coaps+ws) from {@code -c/-j/-C/-n} (X.509) or
     * {@code -u/-k}, {@code --rpk -j}, {@code --trusted-key}, {@code -n} (pre-shared and raw public keys).
     */
    static dev.tern.coap.tcp.TlsConfig tlsClient(DtlsClientFlags f, KeyHygiene hygiene) {
        boolean raw = f.rpk || !f.trustedKeys.isEmpty();
        dev.tern.coap.tcp.TlsConfig.Builder b = dev.tern.coap.tcp.TlsConfig.builder();
        if (f.pskKey != null || raw) {
            if (f.cert != null || !f.caCerts.isEmpty() || f.insecure && !raw) {
                throw new UsageException("over TLS, -u/-k (pre-shared key) and --rpk/--trusted-key (raw public keys)"
                        + " cannot be combined with -c or -C, and -n only with raw public keys");
            }
            if (f.pskKey != null) {
                b.psk(f.pskIdentity, PskKeys.option(f.pskKey, "-k", hygiene));
            }
            if (f.rpk) {
                b.rawPublicKey(keyPair(f.key, "-j", hygiene));
            }
            f.trustedKeys.forEach(file -> b.trustedKeys(publicKeys(file, "--trusted-key")));
            if (f.insecure) {
                b.trustAnyServer();
            }
            return b.build();
        }
        if (f.caCerts.isEmpty() && !f.insecure) {
            throw new UsageException("coaps+tcp:// and coaps+ws:// need -C FILE (trusted CA certificates),"
                    + " --trusted-key FILE (the server's raw public key), -u/-k (pre-shared key) or -n (trust any server)");
        }
        List<X509Certificate> trusted = new ArrayList<>();
        f.caCerts.forEach(file -> trusted.addAll(certificates(file, "-C")));
        b.trust(trusted);
        if (f.insecure) {
            b.trustAnyServer();
        }
        if (f.cert != null) {
            KeyPair pair = keyPair(f.key != null ? f.key : f.cert, "-j", hygiene);
            b.identity(pair.getPrivate(), certificates(f.cert, "--cert"));
        }
        return b.build();
    }

    /**
     * The server's TLS configuration with pre-shared keys ({@code keys}, may be empty) and the raw
     * public key of {@code --rpk -j} with the clients' keys of {@code --trusted-key}; checked flags.
     */
    static dev.tern.coap.tcp.TlsConfig tlsServer(DtlsServerFlags f, KeyHygiene hygiene, Map<String, byte[]> keys) {
        dev.tern.coap.tcp.TlsConfig.Builder b = dev.tern.coap.tcp.TlsConfig.builder();
        if (!keys.isEmpty()) {
            Map<String, byte[]> store = Map.copyOf(keys);
            b.pskStore(identity -> {
                byte[] k = store.get(identity);
                return k == null ? null : k.clone();
            });
        }
        if (f.rpk) {
            b.rawPublicKey(keyPair(f.key, "-j", hygiene));
        }
        f.trustedKeys.forEach(file -> b.trustedKeys(publicKeys(file, "--trusted-key")));
        b.requireClientCertificate(f.clientAuth == DtlsServerFlags.ClientAuthArgument.needed
                || f.clientAuth == null && !f.trustedKeys.isEmpty());
        return b.build();
    }

    /** A server layer and its description for the start-up line. */
    record Server(SecurityLayer layer, String description) {
    }

    /**
     * {@code base}, and before the first message received from a peer, its DTLS session on
     * {@code err}; {@code unverified} (for {@code -n}) says the server's key was not checked.
     */
    static MessageTracer announcing(MessageTracer base, SecurityLayer layer, PrintStream err, boolean unverified) {
        DtlsLayer dtls = (DtlsLayer) layer;
        AtomicBoolean shown = new AtomicBoolean();
        return new MessageTracer() {
            @Override
            public void sent(InetSocketAddress peer, String summary) {
                base.sent(peer, summary);
            }

            @Override
            public void received(InetSocketAddress peer, String summary) {
                if (!shown.get()) {
                    Optional<DtlsSession> s = dtls.session(peer);
                    if (s.isPresent() && shown.compareAndSet(false, true)) {
                        err.println(describe(s.get()) + (unverified && s.get().peerIdentity() != null
                                && s.get().peerIdentity().kind() != PeerIdentity.Kind.PRE_SHARED_KEY
                                ? " (not verified: -n)" : ""));
                    }
                }
                base.received(peer, summary);
            }
        };
    }

    /** {@code DTLS: TLS_PSK_WITH_AES_128_CCM_8, CID 3fa2c901aa12, full handshake, server PSK identity dev1}. */
    static String describe(DtlsSession s) {
        StringBuilder sb = new StringBuilder("DTLS: ").append(s.cipherSuite());
        if (!s.connectionId().isEmpty()) {
            sb.append(", CID ").append(s.connectionId());
        }
        sb.append(s.resumed() ? ", resumed session" : ", full handshake");
        PeerIdentity id = s.peerIdentity();
        if (id == null) {
            sb.append(", server not identified");
        } else {
            switch (id.kind()) {
                case PRE_SHARED_KEY:
                    sb.append(", PSK identity ").append(id.name());
                    break;
                case RAW_PUBLIC_KEY:
                    sb.append(", server raw public key ").append(id.name());
                    break;
                default:
                    sb.append(", server certificate ").append(id.name());
                    break;
            }
        }
        return sb.toString();
    }

    static List<X509Certificate> certificates(Path file, String option) {
        try {
            return Pem.certificates(file);
        } catch (IOException e) {
            throw unreadable(option, file, e);
        }
    }

    /** The key pair in {@code file}, warning if the file is open to others. */
    private static KeyPair keyPair(Path file, String option, KeyHygiene hygiene) {
        KeyPair pair;
        try {
            pair = Pem.keyPair(file);
        } catch (IOException e) {
            throw unreadable(option, file, e);
        }
        hygiene.checkPermissions(file, option);
        return pair;
    }

    private static List<PublicKey> publicKeys(Path file, String option) {
        try {
            return Pem.publicKeys(file);
        } catch (IOException e) {
            throw unreadable(option, file, e);
        }
    }

    private static UsageException unreadable(String option, Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new UsageException(option + ": no such file: " + file);
        }
        return new UsageException(option + ": cannot use " + file + ": " + e.getMessage());
    }
}
