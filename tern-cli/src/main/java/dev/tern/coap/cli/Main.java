package dev.tern.coap.cli;

import dev.tern.coap.Method;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/** Entry point of the {@code tern} command. */
public final class Main {
    private Main() {
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(execute(Io.system(), args));
    }

    /** Runs the command line against {@code io} and returns the exit status (for tests and embedding). */
    public static int execute(Io io, String... args) {
        return commandLine(io, Exchanger::coap, args.length > 0 ? args[0] : null).execute(args);
    }

    /** The configured command line: subcommands, streams, exit statuses and error messages. */
    public static CommandLine commandLine(Io io) {
        return commandLine(io, Exchanger::coap);
    }

    /** The command line with the client commands sending through {@code exchangers}. */
    static CommandLine commandLine(Io io, Exchanger.Factory exchangers) {
        return commandLine(io, exchangers, null);
    }

    /**
     * The command line; when {@code first} (the first argument) names a subcommand, only that one is
     * built. Picocli reads every option annotation of a command to build its model, so building the
     * one command run keeps {@code tern get} from paying for the others' (ten commands with their
     * DTLS flags). Anything else (no command, a typo, {@code --help}, {@code generate-completion})
     * gets every subcommand.
     */
    private static CommandLine commandLine(Io io, Exchanger.Factory exchangers, String first) {
        Map<String, Supplier<Object>> subcommands = new LinkedHashMap<>();
        for (Method m : Method.values()) {
            subcommands.put(m.name().toLowerCase(Locale.ROOT), () -> {
                CommandLine sub = new CommandLine(new RequestCommand(io, m, exchangers));
                sub.getCommandSpec().usageMessage().description(description(m));
                return sub;
            });
        }
        subcommands.put("observe", () -> new CommandLine(new ObserveCommand(io)));
        subcommands.put("ping", () -> new CommandLine(new PingCommand(io, exchangers)));
        subcommands.put("bench", () -> new CommandLine(new BenchCommand(io)));
        subcommands.put("discover", () -> new CommandLine(new DiscoverCommand(io, exchangers)));
        subcommands.put("serve", () -> new CommandLine(new ServeCommand(io)));
        subcommands.put("lwm2m-server", () -> new CommandLine(new Lwm2mServerCommand(io)));
        subcommands.put("rd", () -> new CommandLine(new RdCommand())
                .addSubcommand("register", new RdRegisterCommand(io, exchangers))
                .addSubcommand("lookup", new RdLookupCommand(io, exchangers)));
        // bash/zsh completion script: source <(bin/tern generate-completion)
        subcommands.put("generate-completion", picocli.AutoComplete.GenerateCompletion::new);
        boolean one = first != null && subcommands.containsKey(first) && !first.equals("generate-completion");
        CommandLine cl = new CommandLine(new TernCommand(io));
        subcommands.forEach((name, make) -> {
            if (!one || name.equals(first)) {
                cl.addSubcommand(name, make.get());
            }
        });
        Charset cs = Charset.defaultCharset();
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(io.out(), cs), true));
        cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(io.err(), cs), true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // @FILE is tern's own syntax for key files (PskKeys: exact bytes, permission check), not
        // picocli's argument files, which would split a key at spaces and skip the check.
        cl.setExpandAtFiles(false);
        cl.setExecutionStrategy(parsed -> {
            rejectRepeatedGroupOptions(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof UsageException) {
                line.getErr().println("tern: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            line.getErr().println("tern: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return ExitCodes.ERROR;
        });
        return cl;
    }

    /**
     * A single-valued option given twice is a usage error (picocli's default). Inside an argument
     * group (the DTLS flags) picocli instead starts a second match of the group and keeps only one;
     * this makes that the same error.
     */
    private static void rejectRepeatedGroupOptions(ParseResult parsed) {
        ParseResult last = parsed;
        while (last.subcommand() != null) {
            last = last.subcommand();
        }
        for (ArgGroupSpec group : last.commandSpec().argGroups()) {
            List<ParseResult.GroupMatch> matches = last.findMatches(group).stream()
                    .flatMap(container -> container.matches().stream()).toList();
            for (OptionSpec option : group.options()) {
                long matched = matches.stream().filter(m -> !m.matchedValues(option).isEmpty()).count();
                if (matched > 1 && !option.isMultiValue()) {
                    throw new ParameterException(last.commandSpec().commandLine(), "option '" + option.longestName()
                            + "'" + (option.arity().max() > 0 ? " (" + option.paramLabel() + ")" : "")
                            + " should be specified only once");
                }
            }
        }
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        PrintWriter err = line.getErr();
        err.println("tern: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + line.getCommandSpec().qualifiedName() + " --help' for more information.");
        return ExitCodes.USAGE;
    }

    private static String description(Method m) {
        switch (m) {
            case GET:
                return "Send a GET request and print the response payload.";
            case POST:
                return "Send a POST request with a payload and print the response payload.";
            case PUT:
                return "Send a PUT request with a payload and print the response payload.";
            case DELETE:
                return "Send a DELETE request and print the response payload.";
            case FETCH:
                return "Send a FETCH request (RFC 8132) with a payload and print the response payload.";
            case PATCH:
                return "Send a PATCH request (RFC 8132) with a payload and print the response payload.";
            default:
                return "Send an iPATCH request (RFC 8132) with a payload and print the response payload.";
        }
    }
}
