package dev.faucet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final StringWriter err = new StringWriter();

    @Test
    void shouldRedrawTheLineAtMostEveryTwoHundredMilliseconds() {
        Progress progress = new Progress(new PrintWriter(err), true, 0);

        progress.update(100, 50 * MS);
        progress.update(1000, 200 * MS);
        progress.update(1500, 399 * MS);
        progress.update(2000, 400 * MS);

        assertThat(err.toString()).isEqualTo("\rproduced 1000 records (5000 records/s)"
                + "\rproduced 2000 records (5000 records/s)");
    }

    @Test
    void shouldWipeTheLineWhenCleared() {
        Progress progress = new Progress(new PrintWriter(err), true, 0);
        progress.update(1000, 200 * MS);

        progress.clear();

        assertThat(err.toString()).endsWith("\r" + " ".repeat(38) + "\r");
    }

    @Test
    void shouldDrawNothingWhenStderrIsNotATerminal() {
        Progress progress = new Progress(new PrintWriter(err), false, 0);

        progress.update(1000, 200 * MS);
        progress.clear();

        assertThat(err.toString()).isEmpty();
    }
}
