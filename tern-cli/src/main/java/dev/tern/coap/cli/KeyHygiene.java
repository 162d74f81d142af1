package dev.tern.coap.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * How keys reach {@code tern} (SECURITY.md, "Keys on the command line"): a warning on stderr,
 * like ssh's "UNPROTECTED PRIVATE KEY FILE", when a file holding a key (a PSK file, an
 * {@code @FILE} key, a PEM private key) is accessible by group or others (POSIX permissions;
 * skipped where the file system has none); a one-line hint when a pre-shared key is given on the
 * command line, where every local user sees it in {@code ps} and {@code /proc/PID/cmdline}; and
 * the environment for {@code env:VAR} keys. Never prints key material. (A PSK, RFC 4279, is a
 * secret shared with every peer that uses it; a DTLS private key, RFC 7250 / RFC 5280, is the
 * server's identity.)
 */
final class KeyHygiene {
    /** Group and other permissions: any of them makes a key file unprotected (ssh checks {@code mode & 077}). */
    private static final Set<PosixFilePermission> OPEN = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /** Says nothing; takes {@code env:VAR} from the process environment. */
    static final KeyHygiene SILENT = new KeyHygiene(new PrintStream(OutputStream.nullOutputStream()), System::getenv);

    private final PrintStream err;
    private final UnaryOperator<String> environment;

    KeyHygiene(PrintStream err, UnaryOperator<String> environment) {
        this.err = err;
        this.environment = environment;
    }

    /** Warnings to {@code err}, {@code env:VAR} from the process environment. */
    static KeyHygiene to(PrintStream err) {
        return new KeyHygiene(err, System::getenv);
    }

    /** The value of environment variable {@code name}, or null. */
    String environment(String name) {
        return environment.apply(name);
    }

    /** Warns when {@code file}, which holds a key given by {@code what}, is accessible by group or others. */
    void checkPermissions(Path file, String what) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return; // no POSIX permissions here, or unreadable: reading it reports that
        }
        if (permissions.stream().anyMatch(OPEN::contains)) {
            err.println("tern: WARNING: UNPROTECTED KEY FILE: " + what + " " + file + " has permissions "
                    + PosixFilePermissions.toString(permissions) + ": other users on this host can "
                    + (permissions.contains(PosixFilePermission.GROUP_WRITE)
                            || permissions.contains(PosixFilePermission.OTHERS_WRITE) ? "change" : "read")
                    + " the key. Run: chmod 600 " + file);
        }
    }

    /** The hint for a pre-shared key given on the command line with {@code what}. */
    void keyOnCommandLine(String what) {
        err.println("tern: note: a key given as " + what + " KEY is visible to other users (ps, /proc);"
                + " use " + what + " @FILE or " + what + " env:VAR"
                + (what.equals("--psk-key") ? ", or --psk-file FILE" : ""));
    }
}
