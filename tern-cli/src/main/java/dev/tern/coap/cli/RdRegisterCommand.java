package dev.tern.coap.cli;

import dev.tern.coap.ContentFormat;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.LinkFormatException;
import dev.tern.coap.Method;
import dev.tern.coap.Request;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    RdExchange exchange = new RdExchange();

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
        Optional<Request.Builder> request = exchange.request(io, Method.POST, target, dtls);
        if (request.isEmpty()) {
            return ExitCodes.ERROR;
        }
        Request.Builder b = request.get();
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
        return exchange.send(io, exchangers, b.build(), r -> {
            io.out().println("/" + String.join("/", r.options().locationPath()));
            io.out().flush();
            return ExitCodes.OK;
        });
    }
}
