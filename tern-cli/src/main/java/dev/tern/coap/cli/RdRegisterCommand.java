package dev.tern.coap.cli;

import dev.tern.coap.ContentFormat;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.LinkFormatException;
import dev.tern.coap.Method;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.spi.SecurityLayer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tern rd register URI --ep NAME [LINKS]}: registers links with a Resource Directory
 * (RFC 9176 §5) and prints the registration resource's location.
 */
@Command(name = "register", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Register with a Resource Directory (RFC 9176 §5): POST the links (link-format)",
            "to the registration resource (URI's path, or /rd) and print the new resource's location."},
        footer = {"", "Exit status: 0 for 2.xx, 4 for 4.xx, 5 for 5.xx, 3 on timeout, 1 on other failures,",
            "2 for usage errors."})
final class RdRegisterCommand implements Callable<Integer> {
    private final Io io;
    private final Exchanger.Factory exchangers;

    @Parameters(index = "0", paramLabel = "URI", description = "the directory, e.g. coap://rd.example or coap://rd.example/rd")
    String uri;

    @Parameters(index = "1", arity = "0..1", paramLabel = "LINKS",
            description = "the links in link-format, e.g. '</light>;rt=light-lux' (default: none)")
    String links;

    @Option(names = "--links", paramLabel = "LINKS", description = "the links, as LINKS")
    String linksOption;

    @Option(names = "--ep", required = true, paramLabel = "NAME", description = "endpoint name (ep), at most 63 bytes")
    String endpoint;

    @Option(names = {"-d", "--sector"}, paramLabel = "SECTOR", description = "sector (d)")
    String sector;

    @Option(names = "--lt", paramLabel = "SECONDS", description = "lifetime (lt) in seconds (the directory's default: 90000)")
    Long lifetime;

    @Option(names = "--base", paramLabel = "URI", description = "base URI of the links (default: the request's source address)")
    String base;

    @Option(names = {"-B", "--max-time"}, paramLabel = "SECONDS", converter = SecondsConverter.class,
            description = "give up after SECONDS (default: 93 s)")
    Duration maxTime;

    @Option(names = {"-v", "--verbose"}, description = "show the messages sent (>) and received (<) on stderr")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "no diagnostics on stderr; only the exit status tells")
    boolean quiet;

    @ArgGroup(validate = false, heading = DtlsClientFlags.HEADING)
    DtlsClientFlags.Standard dtls = new DtlsClientFlags.Standard();

    RdRegisterCommand(Io io, Exchanger.Factory exchangers) {
        this.io = io;
        this.exchangers = exchangers;
    }

    @Override
    public Integer call() {
        if (links != null && linksOption != null) {
            throw new UsageException("give the links once: as LINKS or with --links");
        }
        String payload = linksOption != null ? linksOption : links != null ? links : "";
        try {
            LinkFormat.parse(payload);
        } catch (LinkFormatException e) {
            throw new UsageException("LINKS is not link-format: " + e.getMessage());
        }
        if (lifetime != null && lifetime < 1) {
            throw new UsageException("--lt must be at least 1");
        }
        Target target = Target.parse(uri);
        DtlsClientFlags flags = dtls != null ? dtls : new DtlsClientFlags.Standard();
        SecurityLayer security = flags.layer(target, io.err());
        java.util.Optional<InetSocketAddress> resolved = target.resolveOrReport(io.err(), quiet);
        if (resolved.isEmpty()) {
            return ExitCodes.ERROR;
        }
        Request.Builder b = Request.builder(Method.POST, target.uri()).peer(resolved.get())
                .options(o -> o.remove(OptionNumber.URI_QUERY));
        if (dev.tern.coap.CoapUri.parse(target.uri()).path().isEmpty()) {
            b.path("/rd");
        }
        b.query("ep=" + endpoint);
        if (sector != null) {
            b.query("d=" + sector);
        }
        if (lifetime != null) {
            b.query("lt=" + lifetime);
        }
        if (base != null) {
            b.query("base=" + base);
        }
        if (!payload.isEmpty()) {
            b.payload(payload).contentFormat(ContentFormat.LINK_FORMAT);
        }
        if (maxTime != null) {
            b.timeout(maxTime);
        }
        return RdExchange.send(io, exchangers, security, b.build(), maxTime, verbose, quiet, r -> {
            io.out().println("/" + String.join("/", r.options().locationPath()));
            io.out().flush();
            return ExitCodes.OK;
        });
    }
}
