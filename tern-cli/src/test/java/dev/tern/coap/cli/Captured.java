package dev.tern.coap.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** An {@link Io} that records stdout and stderr. */
final class Captured {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Io io;

    Captured(boolean terminal) {
        this(terminal, new byte[0]);
    }

    Captured(boolean terminal, byte[] stdin) {
        io = new Io(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(stdin), terminal);
    }

    int run(String... args) {
        return Main.execute(io, args);
    }

    String out() {
        io.out().flush();
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        io.err().flush();
        return err.toString(StandardCharsets.UTF_8);
    }
}
