package dev.faucet.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when a test moves it. Pass it wherever Faucet takes an {@link InstantSource} (the log's
 * {@code LogConfig.withClock}). Thread-safe: any thread may read it while the test advances it.
 */
public final class TestClock implements InstantSource {
    private final AtomicLong nowMs;

    public TestClock(Instant start) {
        this.nowMs = new AtomicLong(start.toEpochMilli());
    }

    /** A clock at 2026-01-01T00:00:00Z. */
    public TestClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    public TestClock advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("a TestClock moves forward only; use set() to jump back");
        }
        nowMs.addAndGet(by.toMillis());
        return this;
    }

    /** Sets the time, also backwards (a wall-clock jump). */
    public TestClock set(Instant instant) {
        nowMs.set(instant.toEpochMilli());
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(nowMs.get());
    }

    @Override
    public long millis() {
        return nowMs.get();
    }
}
