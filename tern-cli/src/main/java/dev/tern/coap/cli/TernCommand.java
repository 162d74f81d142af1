package dev.tern.coap.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code tern} command; its subcommands are registered by {@link Main}. */
@Command(name = "tern", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "curl for CoAP (RFC 7252): send requests, ping, and serve demo resources, over coap:// or coaps:// (DTLS).",
        footer = {"", "Examples:",
            "  tern get coap://localhost/hello",
            "  tern post -t json coap://localhost/echo '{\"on\":true}'",
            "  tern get -v -O 15,a=1 coap://[::1]/query",
            "  tern ping coap://localhost",
            "  tern discover --rt temperature-c coap://localhost",
            "  tern discover coap://224.0.1.187",
            "  tern serve --plugtest",
            "  tern serve --dtls --psk-file keys.psk         # lines identity:KEY, chmod 600",
            "  tern get coaps://localhost/hello -u dev1 -k @dev1.key",
            "  TERN_PSK=... tern get coaps://localhost/hello -u dev1 -k env:TERN_PSK"})
public final class TernCommand implements Callable<Integer> {
    private final Io io;

    @Spec
    CommandSpec spec;

    /** The root command talking to {@code io}. */
    public TernCommand(Io io) {
        this.io = io;
    }

    /** Without a subcommand: usage on stderr and status 2. */
    @Override
    public Integer call() {
        io.err().println("tern: missing command (get, post, put, delete, fetch, patch, ipatch, ping, discover, serve)");
        spec.commandLine().usage(io.err());
        return ExitCodes.USAGE;
    }
}
