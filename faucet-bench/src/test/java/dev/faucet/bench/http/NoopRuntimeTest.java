package dev.faucet.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faucet.engine.Publish;
import dev.faucet.engine.Published;
import dev.faucet.log.LogException;
import dev.faucet.log.NewRecord;
import dev.faucet.log.RecordPosition;
import dev.faucet.log.TopicConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoopRuntimeTest {
    private final NoopRuntime runtime = new NoopRuntime();

    @Test
    void shouldAnswerAtOnceWithIncreasingOffsetsPerPartition() {
        runtime.createTopic(TopicConfig.of("t", 2));

        Published first = runtime.publish(Publish.of("t", List.of(NewRecord.of("a".getBytes()),
                NewRecord.of("b".getBytes())))).join();
        Published second = runtime.publish(Publish.of("t", List.of(NewRecord.of("c".getBytes())))).join();
        Published third = runtime.publish(Publish.of("t", List.of(NewRecord.of("d".getBytes())))).join();

        assertThat(first.positions()).containsExactly(new RecordPosition(0, 0), new RecordPosition(0, 1));
        assertThat(second.positions()).containsExactly(new RecordPosition(1, 0));
        assertThat(third.positions()).containsExactly(new RecordPosition(0, 2));
        assertThat(runtime.topic("t").orElseThrow().partitions().get(0).endOffset()).isEqualTo(3);
    }

    @Test
    void shouldPlaceKeyedAndExplicitRecordsAsTheLogDoes() {
        runtime.createTopic(TopicConfig.of("t", 4));
        byte[] key = "customer-1".getBytes();
        int expected = runtime.topic("t").orElseThrow().partitionOf(key);

        Published p = runtime.publish(Publish.of("t", List.of(NewRecord.of(key, "v".getBytes()),
                NewRecord.of("w".getBytes()).toPartition(3)))).join();

        assertThat(p.positions()).extracting(RecordPosition::partition).containsExactly(expected, 3);
    }

    @Test
    void shouldAnswerTheSameWhenCompletingOnItsOwnThread() {
        NoopRuntime async = new NoopRuntime(true);
        async.createTopic(TopicConfig.of("t", 1));

        Published first = async.publish(Publish.of("t", List.of(NewRecord.of("a".getBytes())))).join();
        Published second = async.publish(Publish.of("t", List.of(NewRecord.of("b".getBytes())))).join();
        async.close();

        assertThat(first.positions()).containsExactly(new RecordPosition(0, 0));
        assertThat(second.positions()).containsExactly(new RecordPosition(0, 1));
    }

    @Test
    void shouldRefuseUnknownAndDuplicateTopicsAsTheLogDoes() {
        runtime.createTopic(TopicConfig.of("t", 1));

        assertThatThrownBy(() -> runtime.createTopic(TopicConfig.of("t", 1))).isInstanceOf(LogException.class)
                .extracting(e -> ((LogException) e).kind()).isEqualTo(LogException.Kind.TOPIC_EXISTS);
        assertThat(runtime.publish(Publish.of("nope", List.of(NewRecord.of("x".getBytes())))))
                .isCompletedExceptionally();
        assertThat(runtime.topic("nope")).isEmpty();
    }
}
