package dev.tern.coap.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;

/**
 * The streams a command talks to, so that it runs the same in a terminal and in a test.
 *
 * @param out where payloads go
 * @param err where diagnostics go
 * @param in where {@code -f -} reads from
 * @param terminal whether {@code out} is a terminal, which enables pretty-printing
 */
public record Io(PrintStream out, PrintStream err, InputStream in, boolean terminal) {
    /** The process's standard streams; a terminal when {@link System#console()} says so. */
    public static Io system() {
        return new Io(System.out, System.err, System.in, isTerminal(System.console()));
    }

    private static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            // Java 22+ returns a Console even when redirected; it then answers isTerminal().
            Method m = Console.class.getMethod("isTerminal");
            return Boolean.TRUE.equals(m.invoke(console));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }
}
