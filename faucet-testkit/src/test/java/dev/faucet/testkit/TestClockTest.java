package dev.faucet.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TestClockTest {
    @Test
    void shouldMoveOnlyWhenTheTestMovesIt() {
        TestClock clock = new TestClock(Instant.parse("2026-11-27T10:00:00Z"));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));
        clock.advance(Duration.ofMinutes(5));
        assertThat(clock.millis()).isEqualTo(Instant.parse("2026-11-27T10:05:00Z").toEpochMilli());
    }

    @Test
    void shouldRefuseToAdvanceBackwardsButAllowAJump() {
        TestClock clock = new TestClock();
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        clock.set(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(clock.instant()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    }
}
