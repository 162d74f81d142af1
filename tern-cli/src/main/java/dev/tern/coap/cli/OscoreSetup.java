package dev.tern.coap.cli;

import dev.tern.coap.Filter;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.oscore.OscoreConfigFile;
import dev.tern.coap.oscore.OscoreContexts;
import dev.tern.coap.oscore.OscoreLayer;
import dev.tern.coap.oscore.SecurityContext;
import dev.tern.coap.spi.ObjectSecurity;
import dev.tern.coap.spi.SecuredObservation;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code -E CONF[,SEQ]} ({@code tern get|post|put|delete|fetch|patch|ipatch|observe}) and
 * {@code tern serve --oscore CONF[,SEQ]}: OSCORE (RFC 8613) from a libcoap configuration file
 * (coap-oscore-conf(5), {@link OscoreConfigFile}). The Sender Sequence Numbers are reserved in
 * SEQ (RFC 8613 Appendix B.1.1), by default {@code CONF.seq} next to the file, so that running
 * the command again never reuses a nonce; in libcoap's format ({@link SequenceFile}), so that
 * {@code coap-client -E CONF,SEQ} can take turns with Tern. With {@code -v}, the inner (decrypted) messages are
 * shown too, marked {@code inner}, next to the protected ones on the wire. Loaded only when the
 * flag is given, so a plain request never loads the OSCORE classes or BouncyCastle.
 */
final class OscoreSetup {
    private OscoreSetup() {
    }

    /** The client layer for {@code spec}; {@code verbose} shows the inner messages on {@code err}. */
    static ObjectSecurity client(String spec, PrintStream err, boolean verbose) {
        ObjectSecurity layer = OscoreLayer.client(context(spec));
        return verbose ? new Verbose(layer, err) : layer;
    }

    /** The server layer for {@code spec}: every request must be protected with it (4.01 otherwise). */
    static ObjectSecurity server(String spec, PrintStream err, boolean verbose) {
        ObjectSecurity layer = OscoreLayer.server(OscoreContexts.of(context(spec)));
        return verbose ? new Verbose(layer, err) : layer;
    }

    /** What {@code tern serve} says it serves. */
    static String describe(String spec) {
        SecurityContext c = context(spec);
        return "OSCORE, sender ID " + show(c.senderId().hex()) + ", recipient ID " + show(c.recipientId().hex())
                + ", " + c.algorithm();
    }

    private static String show(String hex) {
        return hex.isEmpty() ? "(empty)" : "0x" + hex;
    }

    private static SecurityContext context(String spec) {
        int comma = spec.indexOf(',');
        Path conf = Path.of(comma < 0 ? spec : spec.substring(0, comma));
        Path seq = comma < 0 ? Path.of(conf + ".seq") : Path.of(spec.substring(comma + 1));
        if (!Files.isReadable(conf)) {
            throw new UsageException("cannot read the OSCORE configuration " + conf);
        }
        try {
            return OscoreConfigFile.read(conf).sequenceNumberStore(new SequenceFile(seq)).build();
        } catch (UncheckedIOException e) {
            throw new UsageException("cannot read " + conf + ": " + e.getCause().getMessage());
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) { // never a value
            throw new UsageException(conf + ": " + e.getMessage());
        }
    }

    /** {@code -v}: the inner messages, before protection and after verification. */
    private static final class Verbose implements ObjectSecurity {
        private final ObjectSecurity layer;
        private final PrintStream err;

        Verbose(ObjectSecurity layer, PrintStream err) {
            this.layer = layer;
            this.err = err;
        }

        private void show(String direction, Object message) {
            err.println(direction + " inner " + message);
        }

        @Override
        public Filter clientFilter() {
            Filter inner = layer.clientFilter();
            return (request, next) -> {
                show(">", request);
                return inner.filter(request, next).thenApply(r -> {
                    show("<", r);
                    return r;
                });
            };
        }

        @Override
        public Filter serverFilter() {
            Filter outer = layer.serverFilter();
            return (request, next) -> outer.filter(request, plain -> {
                show("<", plain);
                return next.handle(plain).thenApply(r -> {
                    show(">", r);
                    return r;
                });
            });
        }

        @Override
        public Response protectNotification(Request registration, Response response) {
            show(">", response);
            return layer.protectNotification(registration, response);
        }

        @Override
        public SecuredObservation observation(Request registration) {
            SecuredObservation o = layer.observation(registration);
            return o == null ? null : new SecuredObservation() {
                @Override
                public Request protect(Request request) {
                    show(">", request);
                    return o.protect(request);
                }

                @Override
                public Optional<Response> verify(Response response) {
                    Optional<Response> r = o.verify(response);
                    r.ifPresent(v -> show("<", v));
                    return r;
                }
            };
        }
    }
}
