package dev.tern.coap.cli;

import dev.tern.coap.Bytes;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageTracer;
import dev.tern.coap.Method;
import dev.tern.coap.Option;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.spi.SecurityLayer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code tern get|post|put|delete|fetch|patch|ipatch URI [PAYLOAD]}: sends one request and prints
 * the response payload. The flags follow libcoap's coap-client where it has them.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        footer = {"", "Exit status: 0 for 2.xx, 4 for 4.xx, 5 for 5.xx, 3 when no response came",
            "in time, 1 for other failures (Reset, transport error, unknown host, DTLS",
            "handshake failure), 2 for usage errors."})
public final class RequestCommand implements Callable<Integer> {
    private static final Duration GRACE = Duration.ofSeconds(2);

    private final Io io;
    private final Method method;
    private final Exchanger.Factory exchangers;

    @Parameters(index = "0", paramLabel = "URI",
            description = "coap://host[:port]/path[?query] or coaps://... (DTLS); coap:// is assumed when missing")
    String uri;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PAYLOAD", description = "payload text (or use -e / -f)")
    String payloadArgument;

    @picocli.CommandLine.Option(names = {"-t", "--content-format"}, paramLabel = "TYPE",
            converter = ContentFormatConverter.class,
            description = "Content-Format of the payload: a number or text, json, cbor, link, xml, binary, ...")
    Integer contentFormat;

    @picocli.CommandLine.Option(names = {"-A", "--accept"}, paramLabel = "TYPE", converter = ContentFormatConverter.class,
            description = "Accept: the Content-Format wanted in the response")
    Integer accept;

    @picocli.CommandLine.Option(names = {"-O", "--option"}, paramLabel = "NUM,VALUE", converter = OptionArgument.class,
            description = "add an option (repeatable); VALUE is text, 0x-hex, or a number for uint options;"
                    + " NUM may be a name such as If-None-Match")
    List<Option> options = new ArrayList<>();

    @picocli.CommandLine.Option(names = {"-P", "--proxy"}, paramLabel = "PROXY",
            description = "send the request to the CoAP proxy PROXY (coap[s]://host[:port]) with the URI as Proxy-Uri"
                    + " (RFC 7252 §5.7.2)")
    String proxy;

    @picocli.CommandLine.Option(names = {"-N", "--non"}, description = "send a Non-confirmable message (NON)")
    boolean nonConfirmable;

    @picocli.CommandLine.Option(names = {"-T", "--token"}, paramLabel = "HEX", converter = TokenConverter.class,
            description = "the token in hex: 0 to 8 bytes, or 13 to 65804 (extended token, RFC 8974)")
    Bytes token;

    @picocli.CommandLine.Option(names = {"-b", "--block-size"}, paramLabel = "[NUM,]SIZE",
            converter = BlockArgument.Converter.class,
            description = "block-wise transfer (RFC 7959) with blocks of SIZE bytes (16..1024); NUM,SIZE asks only for block NUM")
    BlockArgument block;

    @picocli.CommandLine.Option(names = {"-B", "--max-time"}, paramLabel = "SECONDS", converter = SecondsConverter.class,
            description = "give up when no response came within SECONDS (default: MAX_TRANSMIT_WAIT, 93 s)")
    Duration maxTime;

    @picocli.CommandLine.Option(names = "--max-body", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "the largest response body to assemble from blocks (RFC 7959), e.g. 200k, 64M"
                    + " (default: 16M)")
    int maxBody = dev.tern.coap.EndpointConfig.CLIENT_MAX_BODY_SIZE;

    @picocli.CommandLine.Option(names = {"-e", "--payload"}, paramLabel = "TEXT", description = "payload text")
    String payloadText;

    @picocli.CommandLine.Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "read the payload from FILE ('-' for stdin)")
    String payloadFile;

    @picocli.CommandLine.Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the response payload to FILE")
    Path output;

    @picocli.CommandLine.Option(names = "--format", paramLabel = "FORMAT",
            description = "text (the payload, default) or json (code, options and payload as one object)")
    OutputFormat format = OutputFormat.text;

    @picocli.CommandLine.Option(names = {"-v", "--verbose"},
            description = "show the messages sent (>) and received (<) and the response code on stderr")
    boolean verbose;

    @picocli.CommandLine.Option(names = {"-q", "--quiet"}, description = "no diagnostics on stderr; only the exit status tells")
    boolean quiet;

    @picocli.CommandLine.Option(names = {"-E", "--oscore"}, paramLabel = "CONF[,SEQ]",
            description = "protect the request with OSCORE (RFC 8613) as libcoap's coap-oscore-conf(5) file CONF"
                    + " describes; sequence numbers kept in SEQ (default: CONF.seq)")
    String oscore;

    @ArgGroup(validate = false, heading = DtlsClientFlags.HEADING)
    DtlsClientFlags.Standard dtls = new DtlsClientFlags.Standard();

    /** A command for {@code method} talking to {@code io}, sending with a {@link dev.tern.coap.CoapClient}. */
    public RequestCommand(Io io, Method method) {
        this(io, method, Exchanger::coap);
    }

    RequestCommand(Io io, Method method, Exchanger.Factory exchangers) {
        this.io = io;
        this.method = method;
        this.exchangers = exchangers;
    }

    /** The method this command sends. */
    public Method method() {
        return method;
    }

    @Override
    public Integer call() {
        Target target = Target.parse(uri);
        Request request = buildRequest(target.uri());
        Target via = target;
        if (proxy != null) {
            // RFC 7252 §5.7.2: to the proxy, the target as Proxy-Uri and no Uri-* options (§5.10.2)
            via = Target.parse(proxy);
            request = request.toBuilder().uri(via.uri())
                    .options(o -> o.remove(dev.tern.coap.OptionNumber.URI_HOST).remove(dev.tern.coap.OptionNumber.URI_PORT)
                            .remove(dev.tern.coap.OptionNumber.URI_PATH).remove(dev.tern.coap.OptionNumber.URI_QUERY)
                            .add(dev.tern.coap.OptionNumber.PROXY_URI, target.uri()))
                    .build();
        }
        SecurityLayer security = dtls().layer(via, io.err());
        dev.tern.coap.spi.ObjectSecurity objectSecurity = oscore == null ? null
                : OscoreSetup.client(oscore, io.err(), verbose);
        dev.tern.coap.tcp.TlsConfig tls = dtls().tls(via, io.err());
        java.util.Optional<InetSocketAddress> resolved = via.resolveOrReport(io.err(), quiet);
        if (resolved.isEmpty()) {
            return ExitCodes.ERROR;
        }
        InetSocketAddress address = resolved.get();
        ProgressBar bar = io.terminal() && !quiet && format != OutputFormat.json ? new ProgressBar(io.err()) : null;
        Request.Builder withPeer = request.toBuilder().peer(address);
        if (bar != null) {
            withPeer.progress(bar);
        }
        request = withPeer.build();
        Duration timeout = maxTime != null ? maxTime : EndpointConfig.defaults().requestTimeout();
        Response response;
        MessageTracer tracer = verbose ? dtls().verbose(new TraceWriter(io.err(), true), security, io.err()) : null;
        try (Exchanger client = tls != null ? Exchanger.coap(tracer, null, null, maxBody, objectSecurity, tls)
                : exchangers.open(tracer, security, maxBody, objectSecurity)) {
            CompletableFuture<Response> future = client.send(request);
            response = future.get(timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
            if (bar != null) {
                bar.finish();
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            if (bar != null) {
                bar.finish();
            }
            return Failures.report(e, target.uri(), timeout, io.err(), quiet);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Failures.report(e, target.uri(), timeout, io.err(), quiet);
        }
        return print(response);
    }

    /** The DTLS flags (picocli leaves the group null when none was given, in some versions). */
    private DtlsClientFlags dtls() {
        return dtls != null ? dtls : new DtlsClientFlags.Standard();
    }

    /** The request the flags describe, to {@code uri} (not yet resolved). */
    Request buildRequest(String uri) {
        Request.Builder b = Request.builder(method, uri);
        for (Option o : options) {
            b.option(o);
        }
        if (contentFormat != null) {
            b.contentFormat(contentFormat);
        }
        if (accept != null) {
            b.accept(accept);
        }
        if (nonConfirmable) {
            b.nonConfirmable();
        }
        if (token != null) {
            b.token(token);
        }
        if (maxTime != null) {
            b.timeout(maxTime);
        }
        if (block != null) {
            if (block.num() < 0) {
                b.blockSize(block.size());
            } else {
                b.block2(block.num(), block.size());
            }
        }
        Bytes payload = payload();
        if (!payload.isEmpty()) {
            b.payload(payload);
        }
        return b.build();
    }

    private Bytes payload() {
        int sources = (payloadArgument != null ? 1 : 0) + (payloadText != null ? 1 : 0) + (payloadFile != null ? 1 : 0);
        if (sources > 1) {
            throw new UsageException("give the payload once: as an argument, with -e, or with -f");
        }
        if (payloadArgument != null) {
            return Bytes.utf8(payloadArgument);
        }
        if (payloadText != null) {
            return Bytes.utf8(payloadText);
        }
        if (payloadFile == null) {
            return Bytes.EMPTY;
        }
        try {
            return Bytes.wrap(payloadFile.equals("-") ? io.in().readAllBytes() : Files.readAllBytes(Path.of(payloadFile)));
        } catch (NoSuchFileException e) {
            throw new UsageException("no such file: " + payloadFile);
        } catch (IOException e) {
            throw new UsageException("cannot read " + payloadFile + ": " + e.getMessage());
        }
    }

    private int print(Response response) {
        ResponsePrinter printer = new ResponsePrinter(io);
        int status = ExitCodes.of(response.code());
        if (verbose) {
            printer.printHead(response);
        } else if (status != ExitCodes.OK && !quiet && format != OutputFormat.json) {
            io.err().println("tern: " + response.code() + " " + response.code().reason());
        }
        if (format == OutputFormat.json) {
            printer.printJson(response);
        } else if (output != null) {
            try {
                printer.writeTo(output, response);
            } catch (IOException e) {
                return fail("cannot write " + output + ": " + e.getMessage());
            }
        } else {
            printer.printPayload(response);
        }
        return status;
    }

    private int fail(String message) {
        if (!quiet) {
            io.err().println("tern: " + message);
        }
        return ExitCodes.ERROR;
    }
}
