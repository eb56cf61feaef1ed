package dev.faucet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SseParserTest {
    private final SseParser parser = new SseParser();

    @Test
    void shouldCompleteAnEventAtABlankLine() {
        assertThat(parser.line("id: 0:41")).isNull();
        assertThat(parser.line("data: {\"a\":1}")).isNull();

        assertThat(parser.line("")).isEqualTo(new SseParser.Event("0:41", "{\"a\":1}"));
    }

    @Test
    void shouldJoinDataLinesWithNewlines() {
        parser.line("data:{");
        parser.line("data: \"a\":1}");

        assertThat(parser.line("").data()).isEqualTo("{\n\"a\":1}");
    }

    @Test
    void shouldIgnoreCommentsAndBlankLinesWithoutData() {
        assertThat(parser.line(": subscribed")).isNull();
        assertThat(parser.line("")).isNull();
        assertThat(parser.line(": heartbeat")).isNull();
        assertThat(parser.line("")).isNull();
    }
}
