package dev.tern.coap.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The DTLS flags of {@code tern serve}: {@code --dtls} serves {@code coaps://} beside plain
 * {@code coap://}, with pre-shared keys ({@code -u}/{@code -k}, {@code --psk-file}), an X.509
 * certificate ({@code -c}/{@code -j}) or a raw public key ({@code --rpk -j}), and optionally client
 * authentication ({@code -C}, {@code --trusted-key}, {@code --client-auth}). Like
 * {@link DtlsClientFlags}, it leaves building the layer to {@link DtlsSetup}.
 */
final class DtlsServerFlags {
    /** The heading of the group in {@code --help}. */
    static final String HEADING = "%nDTLS (coaps://):%n";

    /** {@code --client-auth}. */
    enum ClientAuthArgument {
        /** Clients are not asked for certificates or keys. */
        none,
        /** Clients are asked; one without accepted credentials still connects, anonymously. */
        wanted,
        /** Clients must present a trusted certificate or key. */
        needed
    }

    @Option(names = "--dtls", order = 100, description = "also serve coaps:// (CoAP over DTLS 1.2) with the same resources")
    boolean enabled;

    @Option(names = "--dtls-port", paramLabel = "PORT", order = 101,
            description = "UDP port for coaps:// (default: 5684; 0 picks one)")
    Integer port;

    @Option(names = {"-u", "--psk-identity"}, paramLabel = "ID", order = 102,
            description = "accept this pre-shared key identity (with -k)")
    String pskIdentity;

    @Option(names = {"-k", "--psk-key"}, paramLabel = "KEY", order = 103,
            description = "its key from @FILE (holding text, 0x<hex> or hex:<hex>) or env:VAR; text, 0x<hex>"
                    + " or hex:<hex> given here is visible to other users in ps")
    String pskKey;

    @Option(names = "--psk-file", paramLabel = "FILE", order = 104,
            description = "accept the identities and keys in FILE, one identity:KEY per line (# comments)")
    Path pskFile;

    @Option(names = {"-c", "--cert"}, paramLabel = "FILE", order = 105,
            description = "PEM certificate chain (leaf first) to serve with (X.509; with -j)")
    Path cert;

    @Option(names = {"-j", "--key"}, paramLabel = "FILE", order = 106,
            description = "PEM private key for the certificate (default: the one in the -c file), or the raw public key with --rpk")
    Path key;

    @Option(names = "--rpk", order = 107, description = "serve with the -j key as a raw public key (RFC 7250)")
    boolean rpk;

    @Option(names = {"-C", "--cacert"}, paramLabel = "FILE", order = 108,
            description = "PEM CA certificates that client certificates must chain to (repeatable)")
    List<Path> caCerts = new ArrayList<>();

    @Option(names = "--trusted-key", paramLabel = "FILE", order = 109,
            description = "PEM public key, certificate or private key whose public key a client may present as raw public key (repeatable)")
    List<Path> trustedKeys = new ArrayList<>();

    @Option(names = "--client-auth", paramLabel = "MODE", order = 110,
            description = "none, wanted or needed: whether clients must present a certificate or key"
                    + " (default: needed with -C or --trusted-key, else none)")
    ClientAuthArgument clientAuth;

    /** Whether any flag other than {@code --dtls} was given. */
    private boolean anyCredentialFlag() {
        return port != null || pskIdentity != null || pskKey != null || pskFile != null || cert != null
                || key != null || rpk || !caCerts.isEmpty() || !trustedKeys.isEmpty() || clientAuth != null;
    }

    /** Throws {@link UsageException} unless the flags make a usable server (or no DTLS at all). */
    void check() {
        check(false);
    }

    /** The same; {@code forTls}: the credentials also serve TLS listeners ({@code --tls}, {@code --wss}). */
    void check(boolean forTls) {
        if (!enabled && !forTls) {
            if (anyCredentialFlag()) {
                throw new UsageException("DTLS options need --dtls");
            }
            return;
        }
        if (port != null && (port < 0 || port > 65535)) {
            throw new UsageException("--dtls-port must be 0..65535: " + port);
        }
        if ((pskIdentity == null) != (pskKey == null)) {
            throw new UsageException(pskIdentity == null ? "--psk-key needs --psk-identity ID"
                    : "--psk-identity needs --psk-key KEY");
        }
        if (rpk && cert != null) {
            throw new UsageException("--rpk uses the -j key as a raw public key; leave out --cert");
        }
        if (rpk && key == null) {
            throw new UsageException("--rpk needs -j FILE (a PEM EC private key)");
        }
        if (key != null && !rpk && cert == null) {
            throw new UsageException("-j needs --cert FILE (X.509) or --rpk (raw public key)");
        }
        boolean keyPair = cert != null || rpk;
        if (pskIdentity == null && pskFile == null && !keyPair) {
            throw new UsageException("--dtls needs credentials: --psk-identity ID --psk-key KEY, --psk-file FILE,"
                    + " --cert FILE [-j FILE] (X.509), or --rpk -j FILE (raw public key)");
        }
        boolean trust = !caCerts.isEmpty() || !trustedKeys.isEmpty();
        if (trust && !keyPair) {
            throw new UsageException("-C and --trusted-key authenticate clients of a certificate or raw public key"
                    + " server; they need --cert or --rpk");
        }
        if (clientAuth != null && clientAuth != ClientAuthArgument.none && !trust) {
            throw new UsageException("--client-auth " + clientAuth + " needs -C FILE or --trusted-key FILE");
        }
    }

    /** The port to serve coaps on. */
    int port() {
        return port != null ? port : 5684;
    }

    /**
     * The identities and keys of {@code -u}/{@code -k} and {@code --psk-file}, in order;
     * {@code hygiene} warns about key files open to others and keys on the command line.
     */
    Map<String, byte[]> pskKeys(KeyHygiene hygiene) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        if (pskIdentity != null) {
            keys.put(pskIdentity, PskKeys.option(pskKey, "--psk-key", hygiene));
        }
        if (pskFile != null) {
            for (Map.Entry<String, byte[]> e : PskKeys.file(pskFile, hygiene).entrySet()) {
                if (keys.putIfAbsent(e.getKey(), e.getValue()) != null) {
                    throw new UsageException("identity '" + e.getKey() + "' is both in --psk-identity and --psk-file");
                }
            }
        }
        return keys;
    }
}
