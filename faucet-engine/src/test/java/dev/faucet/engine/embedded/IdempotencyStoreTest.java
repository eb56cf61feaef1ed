package dev.faucet.engine.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faucet.engine.IdempotencyConflictException;
import dev.faucet.engine.IdempotencySettings;
import dev.faucet.engine.Publish;
import dev.faucet.engine.Published;
import dev.faucet.log.Log;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import dev.faucet.log.RecordPosition;
import dev.faucet.log.TopicConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdempotencyStoreTest {
    private static final IdempotencySettings SETTINGS = new IdempotencySettings(Duration.ofHours(1), 1000);
    private static final byte[] FINGERPRINT_A = "a".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FINGERPRINT_B = "b".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private static List<NewRecord> keyedRecords(int n, String prefix) {
        List<NewRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(NewRecord.of("key-" + (i % 7), prefix + i));
        }
        return out;
    }

    private static Publish publish(String key, List<NewRecord> records, byte[] fingerprint) {
        return new Publish("t", records, key, fingerprint);
    }

    private static long total(Log log) {
        return log.topic("t").orElseThrow().partitions().stream().mapToLong(p -> p.endOffset()).sum();
    }

    @Test
    void aRetryWithTheSameKeyAnswersTheFirstPositionsAndWritesNothing() throws Exception {
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("t", 4));
            IdempotencyStore store = IdempotencyStore.open(log, SETTINGS, InstantSource.system());
            Published first = store.publish(publish("k1", keyedRecords(20, "v"), FINGERPRINT_A)).join();
            Published again = store.publish(publish("k1", keyedRecords(20, "v"), FINGERPRINT_A)).join();

            assertThat(first.replayed()).isFalse();
            assertThat(again.replayed()).isTrue();
            assertThat(again.positions()).isEqualTo(first.positions());
            assertThat(total(log)).isEqualTo(20);
        }
    }

    @Test
    void theSameKeyWithAnotherRequestIsAConflict() throws Exception {
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("t", 2));
            IdempotencyStore store = IdempotencyStore.open(log, SETTINGS, InstantSource.system());
            store.publish(publish("k1", keyedRecords(3, "v"), FINGERPRINT_A)).join();

            CompletableFuture<Published> other = store.publish(publish("k1", keyedRecords(3, "w"), FINGERPRINT_B));
            assertThatThrownBy(other::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(IdempotencyConflictException.class);
            assertThat(total(log)).isEqualTo(3);
        }
    }

    @Test
    void concurrentRetriesOfOneRequestWriteItOnce() throws Exception {
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("t", 3));
            IdempotencyStore store = IdempotencyStore.open(log, SETTINGS, InstantSource.system());
            List<CompletableFuture<Published>> all = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                all.add(CompletableFuture.supplyAsync(() -> store.publish(publish("same", keyedRecords(10, "v"),
                        FINGERPRINT_A))).thenCompose(f -> f));
            }
            List<List<RecordPosition>> answers = all.stream().map(f -> f.join().positions()).toList();
            assertThat(answers).allSatisfy(p -> assertThat(p).isEqualTo(answers.get(0)));
            assertThat(total(log)).isEqualTo(10);
        }
    }

    @Test
    void keysSurviveAReopenWithTheirExactPositions() throws Exception {
        List<RecordPosition> first;
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("t", 4));
            first = IdempotencyStore.open(log, SETTINGS, InstantSource.system())
                    .publish(publish("k1", keyedRecords(50, "v"), FINGERPRINT_A)).join().positions();
        }
        try (Log log = Log.open(dir)) {
            Published again = IdempotencyStore.open(log, SETTINGS, InstantSource.system())
                    .publish(publish("k1", keyedRecords(50, "v"), FINGERPRINT_A)).join();
            assertThat(again.replayed()).isTrue();
            assertThat(again.positions()).isEqualTo(first);
            assertThat(total(log)).isEqualTo(50);
        }
    }

    @Test
    void aReservationWithoutItsResolutionIsResolvedFromTheTaggedRecords() throws Exception {
        List<RecordPosition> keyed;
        List<RecordPosition> unkeyed;
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("t", 4));
            IdempotencyStore store = IdempotencyStore.open(log, SETTINGS, InstantSource.system(), false);
            log.append("t", keyedRecords(30, "before")).join();
            keyed = store.publish(publish("keyed", keyedRecords(40, "v"), FINGERPRINT_A)).join().positions();
            log.append("t", keyedRecords(30, "between")).join();
            unkeyed = store.publish(publish("unkeyed", List.of(NewRecord.of((byte[]) null,
                    "u1".getBytes(StandardCharsets.UTF_8)), NewRecord.of((byte[]) null,
                    "u2".getBytes(StandardCharsets.UTF_8))), FINGERPRINT_B)).join().positions();
            log.append("t", keyedRecords(30, "after")).join();
        }
        try (Log log = Log.open(dir)) {
            IdempotencyStore store = IdempotencyStore.open(log, SETTINGS, InstantSource.system());
            assertThat(store.publish(publish("keyed", keyedRecords(40, "v"), FINGERPRINT_A)).join().positions())
                    .isEqualTo(keyed);
            assertThat(store.publish(publish("unkeyed", List.of(), FINGERPRINT_B)).join().positions())
                    .isEqualTo(unkeyed);
            for (int i = 0; i < keyed.size(); i++) {
                LogRecord r = log.read("t", keyed.get(i).partition(), keyed.get(i).offset(), 1).get(0);
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("v" + i);
            }
            assertThat(total(log)).isEqualTo(132);
        }
    }

    @Test
    void keysAreForgottenAfterTheWindow() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        InstantSource clock = () -> Instant.ofEpochMilli(now.get());
        try (Log log = Log.open(dir)) {
            log.createTopic(TopicConfig.of("t", 1));
            IdempotencyStore store = IdempotencyStore.open(log, SETTINGS, clock);
            store.publish(publish("k1", keyedRecords(1, "v"), FINGERPRINT_A)).join();
            now.addAndGet(Duration.ofHours(2).toMillis());

            Published later = store.publish(publish("k1", keyedRecords(1, "v"), FINGERPRINT_A)).join();
            assertThat(later.replayed()).isFalse();
            assertThat(total(log)).isEqualTo(2);
        }
    }
}
