package dev.tern.coap.cli;

import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Link;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.LinkFormatException;
import dev.tern.coap.Method;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.MessageTracer;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.spi.SecurityLayer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tern discover URI}: GET {@code /.well-known/core} (RFC 6690 §4) and list the links; to a
 * multicast group address (RFC 7252 §8), lists the links of every responder.
 */
@Command(name = "discover", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Resource discovery: GET /.well-known/core (RFC 6690) and list the links.",
            "To a multicast address (coap://224.0.1.187, coap://[ff02::fd]) the request is a NON,",
            "and the links of every server that answers before --max-time are listed (RFC 7252 §8)."},
        footer = {"", "On a terminal each link is one line with its attributes; piped, the link-format",
            "payload is written as received (one line per responder for multicast).",
            "", "Exit status: 0 for 2.xx, 4 for 4.xx, 5 for 5.xx, 3 when no response came in time,",
            "1 for other failures (Reset, transport error, malformed link-format, DTLS handshake",
            "failure), 2 for usage errors. coaps:// (DTLS) works for a unicast host only."})
public final class DiscoverCommand implements Callable<Integer> {
    /** How long a multicast discovery listens by default. */
    static final Duration MULTICAST_WAIT = Duration.ofSeconds(6);
    private static final Duration GRACE = Duration.ofSeconds(2);

    private final Io io;
    private final Exchanger.Factory exchangers;

    @Parameters(index = "0", paramLabel = "URI",
            description = "coap://host[:port] or coaps://host[:port]; the path is ignored; coap:// is assumed when missing")
    String uri;

    @Option(names = "--rt", paramLabel = "TYPE", description = "only links with this resource type (rt); a trailing * matches a prefix")
    String resourceType;

    @Option(names = "--if", paramLabel = "INTERFACE", description = "only links with this interface description (if); a trailing * matches a prefix")
    String interfaceDescription;

    @Option(names = "--href", paramLabel = "PATH", description = "only links to this target; a trailing * matches a prefix")
    String href;

    @Option(names = {"-I", "--interface"}, paramLabel = "NAME",
            description = "send a multicast request out of this network interface (e.g. lo, eth0)")
    String interfaceName;

    @Option(names = {"-B", "--max-time"}, paramLabel = "SECONDS", converter = SecondsConverter.class,
            description = "give up after SECONDS (default: 93 s; for multicast, listen for 6 s)")
    Duration maxTime;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "text (default) or json (an array of links, each an object with href and its attributes)")
    OutputFormat format = OutputFormat.text;

    @Option(names = {"-v", "--verbose"}, description = "show the messages sent (>) and received (<) on stderr")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "no diagnostics on stderr; only the exit status tells")
    boolean quiet;

    @ArgGroup(validate = false, heading = DtlsClientFlags.HEADING)
    DtlsClientFlags.Standard dtls = new DtlsClientFlags.Standard();

    /** A discover command talking to {@code io}. */
    public DiscoverCommand(Io io) {
        this(io, Exchanger::coap);
    }

    DiscoverCommand(Io io, Exchanger.Factory exchangers) {
        this.io = io;
        this.exchangers = exchangers;
    }

    @Override
    public Integer call() {
        Target target = Target.parse(uri);
        DtlsClientFlags flags = dtls != null ? dtls : new DtlsClientFlags.Standard();
        SecurityLayer security = flags.layer(target, io.err());
        java.util.Optional<InetSocketAddress> resolved = target.resolveOrReport(io.err(), quiet);
        if (resolved.isEmpty()) {
            return ExitCodes.ERROR;
        }
        InetSocketAddress address = resolved.get();
        boolean multicast = address.getAddress().isMulticastAddress();
        if (multicast && target.secure()) {
            throw new UsageException("multicast discovery is coap:// only: DTLS has no group sessions (RFC 7252 §9.1)");
        }
        Request request = request(target.uri(), address);
        String shown = request.uri();
        Duration timeout = maxTime != null ? maxTime
                : multicast ? MULTICAST_WAIT : EndpointConfig.defaults().requestTimeout();
        java.net.NetworkInterface nif = null;
        if (interfaceName != null) {
            try {
                nif = java.net.NetworkInterface.getByName(interfaceName);
            } catch (java.net.SocketException e) {
                nif = null;
            }
            if (nif == null) {
                throw new UsageException("no such network interface: " + interfaceName);
            }
        }
        MessageTracer tracer = verbose ? flags.verbose(new TraceWriter(io.err(), true), security, io.err()) : null;
        try (Exchanger client = nif != null ? Exchanger.coap(tracer, nif, security) : exchangers.open(tracer, security)) {
            if (multicast) {
                List<Response> responses = client.multicast(request, timeout)
                        .get(timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
                return printAll(responses, shown, timeout);
            }
            Response response = client.send(request).get(timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
            return printOne(response);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return Failures.report(e, shown, timeout, io.err(), quiet);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Failures.report(e, shown, timeout, io.err(), quiet);
        }
    }

    /** GET /.well-known/core with the filters as Uri-Query (RFC 6690 §4.1); NON for a group (RFC 7252 §8.1). */
    Request request(String targetUri, InetSocketAddress address) {
        Request.Builder b = Request.builder(Method.GET, targetUri)
                .options(o -> o.remove(OptionNumber.URI_QUERY))
                .path(LinkFormat.WELL_KNOWN_CORE).peer(address);
        if (href != null) {
            b.query("href=" + href);
        }
        if (resourceType != null) {
            b.query("rt=" + resourceType);
        }
        if (interfaceDescription != null) {
            b.query("if=" + interfaceDescription);
        }
        if (address.getAddress().isMulticastAddress()) {
            b.nonConfirmable();
        }
        if (maxTime != null) {
            b.timeout(maxTime);
        }
        return b.build();
    }

    private int printOne(Response response) {
        int status = ExitCodes.of(response.code());
        if (status != ExitCodes.OK) {
            if (!quiet) {
                io.err().println("tern: " + response.code() + " " + response.code().reason()
                        + (filtered() && response.code() == Code.NOT_FOUND ? " (no resource matches " + filters() + ")" : ""));
            }
            return status;
        }
        List<Link> links;
        try {
            links = LinkFormat.parse(response.payloadString());
        } catch (LinkFormatException e) {
            io.out().println(response.payloadString());
            return fail("the response is not valid link-format: " + e.getMessage());
        }
        if (links.isEmpty() && filtered() && !quiet) {
            io.err().println("tern: no resource at " + response.peer().map(Addresses::format).orElse("the server")
                    + " matches " + filters());
        }
        LinkPrinter.print(io, links, response.payloadString(), format);
        return ExitCodes.OK;
    }

    private int printAll(List<Response> responses, String shown, Duration timeout) {
        List<String> objects = new ArrayList<>();
        int status = ExitCodes.OK;
        int answered = 0;
        for (Response r : responses) {
            String peer = r.peer().map(Addresses::format).orElse("?");
            if (!r.isSuccess()) {
                status = ExitCodes.of(r.code());
                if (!quiet) {
                    io.err().println("tern: " + peer + " answered " + r.code() + " " + r.code().reason());
                }
                continue;
            }
            List<Link> links;
            try {
                links = LinkFormat.parse(r.payloadString());
            } catch (LinkFormatException e) {
                status = fail(peer + " sent invalid link-format: " + e.getMessage());
                continue;
            }
            answered++;
            if (format == OutputFormat.json) {
                links.forEach(l -> objects.add(LinkPrinter.json(l, peer)));
            } else if (io.terminal()) {
                io.out().println(peer);
                LinkPrinter.aligned(links).forEach(line -> io.out().println("  " + line));
            } else {
                io.out().println(peer + " " + r.payloadString());
            }
        }
        if (format == OutputFormat.json) {
            io.out().println("[" + String.join(",", objects) + "]");
        }
        io.out().flush();
        if (responses.isEmpty()) {
            if (!quiet) {
                io.err().println("tern: no response from " + shown + " within " + Addresses.seconds(timeout));
            }
            return ExitCodes.TIMEOUT;
        }
        return answered > 0 ? ExitCodes.OK : status;
    }

    private boolean filtered() {
        return href != null || resourceType != null || interfaceDescription != null;
    }

    /** The filters as sent, e.g. {@code rt=temperature-c} (RFC 6690 §4.1). */
    private String filters() {
        List<String> f = new ArrayList<>();
        if (href != null) {
            f.add("href=" + href);
        }
        if (resourceType != null) {
            f.add("rt=" + resourceType);
        }
        if (interfaceDescription != null) {
            f.add("if=" + interfaceDescription);
        }
        return String.join(" ", f);
    }

    private int fail(String message) {
        if (!quiet) {
            io.err().println("tern: " + message);
        }
        return ExitCodes.ERROR;
    }
}
