package dev.faucet.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The progress line of {@code faucet produce} on stderr, redrawn in place (a carriage return) at most every
 * {@value #INTERVAL_MS} ms, and only when stderr is a terminal ({@link #stderrIsTerminal}): in a log file it would be
 * noise. Time is passed in.
 */
final class Progress {
    static final long INTERVAL_MS = 200;

    private final PrintWriter err;
    private final boolean enabled;
    private final long startNs;
    private long drawnNs;
    private int drawnLength;

    Progress(PrintWriter err, boolean enabled, long startNs) {
        this.err = err;
        this.enabled = enabled;
        this.startNs = startNs;
        this.drawnNs = startNs;
    }

    /** Redraws the line if it is on and the last drawing is at least {@value #INTERVAL_MS} ms old. */
    void update(long records, long nowNs) {
        if (!enabled || nowNs - drawnNs < TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS)) {
            return;
        }
        drawnNs = nowNs;
        String line = "produced " + records + " records (" + rate(records, nowNs - startNs) + " records/s)";
        err.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
        err.flush();
        drawnLength = line.length();
    }

    /** Wipes the line, so that what follows starts on a clean one. */
    void clear() {
        if (drawnLength > 0) {
            err.print("\r" + " ".repeat(drawnLength) + "\r");
            err.flush();
            drawnLength = 0;
        }
    }

    /**
     * Whether stderr is a terminal. Java cannot ask that directly: on Linux {@code /proc/self/fd/2} tells; elsewhere
     * {@code System.console() != null} (stdin and stdout are a terminal) is the best guess, and for {@code produce},
     * whose stdin is usually a file or a pipe, it is mostly false, so there is no progress line there.
     */
    static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        try {
            if (Files.isSymbolicLink(fd)) {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // Not Linux after all; fall through to the guess.
        }
        return System.console() != null;
    }

    /** Records per second over {@code elapsedNs}, rounded; 0 for no time. */
    static String rate(long records, long elapsedNs) {
        if (elapsedNs <= 0) {
            return "0";
        }
        return String.format(Locale.ROOT, "%d", Math.round(records * 1e9 / elapsedNs));
    }
}
