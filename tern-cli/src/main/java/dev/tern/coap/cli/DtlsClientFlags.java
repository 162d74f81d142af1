package dev.tern.coap.cli;

import dev.tern.coap.MessageTracer;
import dev.tern.coap.spi.SecurityLayer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The DTLS flags of the client commands, named after libcoap's coap-client: {@code -u}/{@code -k}
 * (pre-shared key), {@code -c}/{@code -j} (X.509), {@code --rpk} (raw public key), {@code -C} and
 * {@code --trusted-key} (whom to trust), {@code -n} (trust anyone), {@code --cid}. A picocli argument
 * group; {@link Standard} names the certificate {@code -c, --cert}, {@link LongCert} only
 * {@code --cert} (for commands where {@code -c} means something else).
 *
 * <p>This class does not touch {@code tern-dtls}: the layer is built by {@link DtlsSetup}, which is
 * loaded only for a {@code coaps://} URI, so a plain request never loads BouncyCastle.
 */
abstract class DtlsClientFlags {
    /** The heading of the group in {@code --help}. */
    static final String HEADING = "%nDTLS, for coaps:// URIs:%n";

    @Option(names = {"-u", "--psk-identity"}, paramLabel = "ID", order = 101,
            description = "pre-shared key identity (with -k)")
    String pskIdentity;

    @Option(names = {"-k", "--psk-key"}, paramLabel = "KEY", order = 102,
            description = "pre-shared key from @FILE (holding text, 0x<hex> or hex:<hex>) or env:VAR; text,"
                    + " 0x<hex> or hex:<hex> given here is visible to other users in ps")
    String pskKey;

    /** {@code -c, --cert} or {@code --cert}, set by the subclass. */
    Path cert;

    @Option(names = {"-j", "--key"}, paramLabel = "FILE", order = 104,
            description = "PEM private key for the certificate (default: the one in the -c file), or the raw public key with --rpk")
    Path key;

    @Option(names = "--rpk", order = 105, description = "authenticate with the -j key as a raw public key (RFC 7250)")
    boolean rpk;

    @Option(names = {"-C", "--cacert"}, paramLabel = "FILE", order = 106,
            description = "PEM certificates to trust as anchors of the server's chain (repeatable)")
    List<Path> caCerts = new ArrayList<>();

    @Option(names = "--trusted-key", paramLabel = "FILE", order = 107,
            description = "PEM public key, certificate or private key whose public key to trust as the server's raw public key (repeatable)")
    List<Path> trustedKeys = new ArrayList<>();

    @Option(names = {"-n", "--insecure"}, order = 108,
            description = "accept any server certificate or key, unverified (testing only)")
    boolean insecure;

    @Option(names = "--cid", order = 109, description = "use a DTLS Connection ID (RFC 9146) when the server offers one")
    boolean cid;

    /** The names of the flags given, for messages. */
    List<String> given() {
        List<String> names = new ArrayList<>();
        if (pskIdentity != null) {
            names.add("-u");
        }
        if (pskKey != null) {
            names.add("-k");
        }
        if (cert != null) {
            names.add("--cert");
        }
        if (key != null) {
            names.add("-j");
        }
        if (rpk) {
            names.add("--rpk");
        }
        if (!caCerts.isEmpty()) {
            names.add("-C");
        }
        if (!trustedKeys.isEmpty()) {
            names.add("--trusted-key");
        }
        if (insecure) {
            names.add("-n");
        }
        if (cid) {
            names.add("--cid");
        }
        return names;
    }

    /**
     * The security layer for {@code target}: null for {@code coap://}, a DTLS client layer for
     * {@code coaps://}. Throws {@link UsageException} when DTLS flags come with a {@code coap://}
     * URI, when a {@code coaps://} URI comes without credentials, or when the flags do not fit
     * together or name unreadable files. Warnings about how keys are given go to {@code err}.
     */
    SecurityLayer layer(Target target, PrintStream err) {
        if (!target.secure()) {
            if (!given().isEmpty() && !target.tls()) {
                throw new UsageException(String.join(", ", given()) + ": DTLS options need a coaps:// URI, not "
                        + target.uri());
            }
            return null;
        }
        check();
        return DtlsSetup.client(this, KeyHygiene.to(err));
    }

    /**
     * The TLS configuration for a {@code coaps+tcp://} or {@code coaps+ws://} {@code target}
     * (X.509: {@code -C}, {@code -c/-j}, {@code -n}), else null.
     */
    dev.tern.coap.tcp.TlsConfig tls(Target target, PrintStream err) {
        return target.tls() ? DtlsSetup.tlsClient(this, KeyHygiene.to(err)) : null;
    }

    private void check() {
        if ((pskIdentity == null) != (pskKey == null)) {
            throw new UsageException(pskIdentity == null ? "-k needs -u ID (the PSK identity)"
                    : "-u needs -k KEY (the pre-shared key)");
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
        if (insecure && (!caCerts.isEmpty() || !trustedKeys.isEmpty())) {
            throw new UsageException("-n trusts any server; leave out -C and --trusted-key");
        }
        if (pskKey == null && caCerts.isEmpty() && trustedKeys.isEmpty() && !insecure) {
            throw new UsageException("coaps:// needs credentials: -u ID -k KEY (pre-shared key), -C FILE (trusted CA"
                    + " certificates), --trusted-key FILE (the server's raw public key), or -n (trust any server)");
        }
    }

    /**
     * {@code -v}: {@code base}, which for a DTLS session also writes {@code DTLS: suite, CID ...,
     * server ...} to {@code err} when the first message comes from the server.
     */
    MessageTracer verbose(MessageTracer base, SecurityLayer layer, PrintStream err) {
        return layer == null ? base : DtlsSetup.announcing(base, layer, err, insecure);
    }

    /** The group with {@code -c, --cert FILE}. */
    static final class Standard extends DtlsClientFlags {
        @Option(names = {"-c", "--cert"}, paramLabel = "FILE", order = 103,
                description = "PEM certificate chain (leaf first) to authenticate with (X.509; with -j)")
        void cert(Path file) {
            cert = file;
        }
    }

    /** The group with {@code --cert FILE} only, for commands that use {@code -c} otherwise. */
    static final class LongCert extends DtlsClientFlags {
        @Option(names = "--cert", paramLabel = "FILE", order = 103,
                description = "PEM certificate chain (leaf first) to authenticate with (X.509; with -j)")
        void cert(Path file) {
            cert = file;
        }
    }
}
