package dev.tern.coap.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code tern rd}: a Resource Directory client (RFC 9176); its subcommands do the work. */
@Command(name = "rd", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Resource Directory (RFC 9176) client: register links, look up endpoints and resources.",
            "Host a directory with 'tern serve --rd'."},
        footer = {"", "Examples:",
            "  tern rd register coap://localhost --ep lamp-1 '</light>;rt=light-lux'",
            "  tern rd lookup coap://localhost res 'rt=light*'",
            "  tern rd lookup coap://localhost ep ep=lamp-1"})
final class RdCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        throw new UsageException("missing subcommand: register or lookup");
    }
}
