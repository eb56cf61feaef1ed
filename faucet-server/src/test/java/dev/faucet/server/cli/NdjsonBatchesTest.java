package dev.faucet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NdjsonBatchesTest {
    private static InputStream input(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String body(Batch b) {
        return new String(b.body(), 0, b.length(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldCutTheInputIntoBatchesOfAtMostNLines() throws IOException {
        NdjsonBatches batches = new NdjsonBatches(input("1\n2\n3\n4\n5"), 2, 1 << 20);

        assertThat(body(batches.next())).isEqualTo("1\n2\n");
        assertThat(body(batches.next())).isEqualTo("3\n4\n");
        Batch last = batches.next();
        assertThat(last.number()).isEqualTo(3);
        assertThat(body(last)).isEqualTo("5\n");
        assertThat(batches.next()).isNull();
    }

    @Test
    void shouldLeaveOutBlankLinesButKeepCountingInputLines() throws IOException {
        NdjsonBatches batches = new NdjsonBatches(input("\n1\r\n \t\n\r\n2\n"), 10, 1 << 20);

        Batch b = batches.next();

        assertThat(body(b)).isEqualTo("1\n2\n");
        assertThat(b.inputLines()).containsExactly(2, 5);
        assertThat(b.inputLine(2)).isEqualTo(5);
        assertThat(b.inputLine(3)).isEqualTo(-1);
    }

    @Test
    void shouldStartANewBatchBeforeTheBodyPassesMaxBytes() throws IOException {
        NdjsonBatches batches = new NdjsonBatches(input("aaaa\nbbbb\ncccccccccccc\n"), 100, 10);

        assertThat(body(batches.next())).isEqualTo("aaaa\nbbbb\n");
        assertThat(body(batches.next())).isEqualTo("cccccccccccc\n");
        assertThat(batches.next()).isNull();
    }

    @Test
    void shouldReadLinesLongerThanItsBuffer() throws IOException {
        String longLine = "x".repeat(200_000);
        NdjsonBatches batches = new NdjsonBatches(input(longLine + "\nshort\n"), 10, 1 << 20);

        assertThat(body(batches.next())).isEqualTo(longLine + "\nshort\n");
    }
}
