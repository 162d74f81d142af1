package dev.tern.coap.cli;

import dev.tern.coap.TransferProgress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr for block-wise transfers; used only when stderr is a terminal,
 * never on a pipe. Redraws only when the shown text changes; {@link #finish()} clears the line.
 */
final class ProgressBar implements TransferProgress {
    private static final int WIDTH = 30;
    private final PrintStream err;
    private String shown = "";

    ProgressBar(PrintStream err) {
        this.err = err;
    }

    @Override
    public synchronized void progress(long bytes, long total) {
        String text = render(bytes, total);
        if (!text.equals(shown)) {
            shown = text;
            err.print("\r" + text);
            err.flush();
        }
    }

    /** The bar for {@code bytes} of {@code total} (-1: unknown). */
    static String render(long bytes, long total) {
        if (total <= 0) {
            return "[" + "?".repeat(WIDTH) + "] " + size(bytes);
        }
        long done = Math.min(bytes, total);
        int filled = (int) (WIDTH * done / total);
        return "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                + String.format(Locale.ROOT, "%3d%% ", 100 * done / total) + size(done) + " / " + size(total);
    }

    private static String size(long bytes) {
        return bytes < 1024 ? bytes + " B" : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }

    /** Clears the line once the transfer is over. */
    synchronized void finish() {
        if (!shown.isEmpty()) {
            err.print("\r" + " ".repeat(shown.length()) + "\r");
            err.flush();
            shown = "";
        }
    }
}
