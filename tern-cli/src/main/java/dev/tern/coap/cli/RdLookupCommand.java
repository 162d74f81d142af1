package dev.tern.coap.cli;

import dev.tern.coap.Link;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.LinkFormatException;
import dev.tern.coap.Method;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tern rd lookup URI ep|res [FILTER...]}: the lookup interface of a Resource Directory (RFC 9176 §6). */
@Command(name = "lookup", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Look up endpoints (ep: GET /rd-lookup/ep) or resources (res: GET /rd-lookup/res) in a",
            "Resource Directory (RFC 9176 §6). Each FILTER is NAME=VALUE (a trailing * matches a prefix)",
            "or NAME, e.g. rt=temperature* ep=lamp-1 href=/reg/*; all must match."},
        footer = {"", "On a terminal each link is one line with its attributes; piped, the link-format payload",
            "is written as received. Exit status as for 'tern get'."})
final class RdLookupCommand implements Callable<Integer> {
    /** What is looked up. */
    enum Kind {
        ep, res
    }

    private final Io io;
    private final Exchanger.Factory exchangers;

    @Parameters(index = "0", paramLabel = "URI", description = "the directory, e.g. coap://rd.example (the path is ignored)")
    String uri;

    @Parameters(index = "1", paramLabel = "ep|res", description = "endpoints (ep) or resources (res)")
    Kind kind;

    @Parameters(index = "2..*", paramLabel = "FILTER", description = "NAME=VALUE or NAME")
    List<String> filters = new ArrayList<>();

    @Option(names = "--page", paramLabel = "N", description = "the page (from 0) of --count results")
    Integer page;

    @Option(names = "--count", paramLabel = "N", description = "at most N results")
    Integer count;

    @Option(names = "--format", paramLabel = "FORMAT", description = "text (default) or json")
    OutputFormat format = OutputFormat.text;

    @Mixin
    RdExchange exchange = new RdExchange();

    @ArgGroup(validate = false, heading = DtlsClientFlags.HEADING)
    DtlsClientFlags.Standard dtls = new DtlsClientFlags.Standard();

    RdLookupCommand(Io io, Exchanger.Factory exchangers) {
        this.io = io;
        this.exchangers = exchangers;
    }

    @Override
    public Integer call() {
        if ((page != null && page < 0) || (count != null && count < 0)) {
            throw new UsageException("--page and --count must not be negative");
        }
        Optional<Request.Builder> request = exchange.request(io, Method.GET, Target.parse(uri), dtls);
        if (request.isEmpty()) {
            return ExitCodes.ERROR;
        }
        Request.Builder b = request.get().path("/rd-lookup/" + kind);
        filters.forEach(b::query);
        if (page != null) {
            b.query("page=" + page);
        }
        if (count != null) {
            b.query("count=" + count);
        }
        return exchange.send(io, exchangers, b.build(), this::print);
    }

    private int print(Response r) {
        List<Link> links;
        try {
            links = LinkFormat.parse(r.payloadString());
        } catch (LinkFormatException e) {
            io.out().println(r.payloadString());
            if (!exchange.quiet) {
                io.err().println("tern: the response is not valid link-format: " + e.getMessage());
            }
            return ExitCodes.ERROR;
        }
        LinkPrinter.print(io, links, links.isEmpty() ? null : r.payloadString(), format);
        return ExitCodes.OK;
    }
}
