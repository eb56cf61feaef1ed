package dev.faucet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = Backoff.DEFAULT;

    @Test
    void shouldWaitAsLongAsRetryAfterAsks() {
        assertThat(backoff.delay(0, "3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(backoff.delay(5, " 0 ")).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldNotWaitLongerThanThirtySecondsWhateverRetryAfterAsks() {
        assertThat(backoff.delay(0, "3600")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldDoubleFromOneHundredMillisecondsUpToTwoSecondsWithoutRetryAfter() {
        assertThat(backoff.delay(0, null)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delay(1, null)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delay(4, null)).isEqualTo(Duration.ofMillis(1600));
        assertThat(backoff.delay(5, null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(63, null)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldFallBackToItsOwnBackoffForARetryAfterDate() {
        assertThat(backoff.delay(1, "Wed, 21 Oct 2026 07:28:00 GMT")).isEqualTo(Duration.ofMillis(200));
    }
}
