package dev.faucet.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faucet.engine.ErrorPolicy;
import dev.faucet.engine.InvalidPipelineException;
import dev.faucet.engine.NoSuchPipelineException;
import dev.faucet.engine.OnMissing;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deploy, restart, pause, resume, update, delete and fail-stop of pipelines on the embedded runtime. */
class PipelineLifecycleTest {
    @TempDir
    Path dir;

    private static final Pipeline PASS = Pipeline.from("in").filter("ok").to("out").build("life");

    private static String rec(int n, boolean ok) {
        return "{\"n\":" + n + ",\"ok\":" + ok + "}";
    }

    @Test
    void aRestartResumesFromTheCommittedPositionAndKeepsTheVersion() throws Exception {
        String version;
        try (PipelineTestDriver d = PipelineTestDriver.create(PASS, dir)) {
            d.send("in", rec(1, true), rec(2, false), rec(3, true));
            assertThat(d.outputs("out")).hasSize(2);
            version = d.status().version();
        }
        try (PipelineTestDriver d = PipelineTestDriver.create(PASS, dir)) {
            PipelineStatus before = d.runtime().pipeline("life").orElseThrow();
            assertThat(before.version()).isEqualTo(version);
            assertThat(before.state()).isEqualTo(PipelineStatus.State.RUNNING);
            d.send("in", rec(4, true));
            assertThat(d.outputs("out")).extracting(TestRecord::value)
                    .containsExactly(rec(1, true), rec(3, true), rec(4, true));
        }
    }

    @Test
    void pauseHoldsRecordsAcrossARestartAndResumeProcessesThem() throws Exception {
        try (PipelineTestDriver d = PipelineTestDriver.create(PASS, dir)) {
            d.send("in", rec(1, true));
            assertThat(d.outputs("out")).hasSize(1);
            d.runtime().pause("life");
            d.send("in", rec(2, true));
            // paused: the record stays unprocessed, however long we look
            Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> {
                PipelineStatus s = d.runtime().pipeline("life").orElseThrow();
                return s.state() == PipelineStatus.State.PAUSED && s.lagRecords() == 1;
            });
        }
        try (PipelineTestDriver d = PipelineTestDriver.create(PASS, dir)) {
            assertThat(d.runtime().pipeline("life").orElseThrow().state()).isEqualTo(PipelineStatus.State.PAUSED);
            d.runtime().resume("life");
            assertThat(d.outputs("out")).extracting(TestRecord::value).containsExactly(rec(1, true), rec(2, true));
        }
    }

    @Test
    void anUpdateTakesOverFromTheCommittedPosition() throws Exception {
        try (PipelineTestDriver d = PipelineTestDriver.create(PASS, dir)) {
            d.send("in", rec(1, true), rec(2, false));
            assertThat(d.outputs("out")).hasSize(1);
        }
        Pipeline v2 = Pipeline.from("in").to("out").build("life");
        try (PipelineTestDriver d = PipelineTestDriver.create(v2, dir)) {
            d.runtime().deploy(v2); // v1 runs again at open; v2 takes over where it stopped
            d.send("in", rec(3, false));
            List<TestRecord> out = d.outputs("out");
            // v2 has no filter: record 3 passes; records 1 and 2 are not processed again
            assertThat(out).extracting(TestRecord::value).containsExactly(rec(1, true), rec(3, false));
            assertThat(out.get(1).headers().get("faucet-pipeline-version")).isEqualTo(v2.version())
                    .isNotEqualTo(PASS.version());
        }
    }

    @Test
    void anUpdateThatWouldStrandRecordsOrStateIsRefusedAndTheRunningVersionKeepsRunning() throws Exception {
        Pipeline v1 = Pipeline.from("in").key("n").dedupe("n", Duration.ofHours(1)).to("out").build("staged");
        try (PipelineTestDriver d = PipelineTestDriver.create(v1, dir)) {
            d.send("in", rec(1, true));
            assertThat(d.outputs("out")).hasSize(1);
            Pipeline noKey = Pipeline.from("in").dedupe("n", Duration.ofHours(1)).to("out").build("staged");
            assertThatThrownBy(() -> d.runtime().deploy(noKey)).isInstanceOfSatisfying(InvalidPipelineException.class,
                    e -> assertThat(e.getMessage()).contains("cannot take over").contains("key steps move")
                            .contains("dedupe steps move").contains("Delete the pipeline"));
            assertThat(d.runtime().pipeline("staged").orElseThrow().version()).isEqualTo(v1.version());
            // a dry run says the same as the deploy would
            assertThatThrownBy(() -> d.runtime().validate(noKey)).isInstanceOf(InvalidPipelineException.class)
                    .hasMessageContaining("cannot take over");
            Pipeline sameLayout = Pipeline.from("in").key("n").dedupe("n", Duration.ofHours(2)).to("out")
                    .build("staged");
            d.runtime().deploy(sameLayout);
            d.send("in", rec(1, true), rec(2, true));
            // the dedupe state of v1 carried over: n=1 is a repeat, n=2 is new
            assertThat(d.outputs("out")).hasSize(2);
        }
    }

    @Test
    void metricsStayAfterAnUpdate() throws Exception {
        var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (var rt = dev.faucet.engine.EmbeddedRuntime.open(dir, c -> c,
                dev.faucet.engine.IdempotencySettings.DEFAULTS, registry)) {
            rt.createTopic(dev.faucet.log.TopicConfig.of("in", 1));
            rt.createTopic(dev.faucet.log.TopicConfig.of("out", 1));
            rt.deploy(PASS);
            rt.deploy(Pipeline.from("in").to("out").build("life"));
            assertThat(registry.find("faucet.pipeline.records.in").tag("pipeline", "life").functionCounter())
                    .isNotNull();
            assertThat(registry.find("faucet.pipeline.lag.records").tag("pipeline", "life").gauge()).isNotNull();
        }
    }

    @Test
    void deleteForgetsPositionsSoARedeployStartsFromTheBeginning() throws Exception {
        try (PipelineTestDriver d = PipelineTestDriver.create(PASS, dir)) {
            d.send("in", rec(1, true));
            assertThat(d.outputs("out")).hasSize(1);
            d.runtime().delete("life");
            assertThat(d.runtime().pipeline("life")).isEmpty();
            assertThat(d.runtime().groupOffsets("in")).isEmpty();
            assertThatThrownBy(() -> d.runtime().pause("life")).isInstanceOf(NoSuchPipelineException.class);
        }
        try (PipelineTestDriver d = PipelineTestDriver.create(PASS, dir)) {
            assertThat(d.runtime().pipeline("life")).isEmpty();
            assertThat(d.outputs("out")).hasSize(2); // processed again from offset 0
        }
    }

    @Test
    void onFailureFailStopsAtTheRecordAndStaysStoppedAcrossRestarts() throws Exception {
        Pipeline strict = Pipeline.from("in").filter("ok").to("out")
                .errors(new ErrorPolicy(0, Duration.ZERO, Duration.ZERO, null, ErrorPolicy.OnFailure.FAIL))
                .build("strict");
        try (PipelineTestDriver d = PipelineTestDriver.create(strict, dir)) {
            d.send("in", rec(1, true), "{\"n\":2,\"ok\":\"yes\"}", rec(3, true));
            assertThat(d.outputs("out")).extracting(TestRecord::value).containsExactly(rec(1, true));
            PipelineStatus s = d.status();
            assertThat(s.state()).isEqualTo(PipelineStatus.State.FAILED);
            assertThat(s.failure()).contains("in/0@1").contains("filter#1").contains("expression-error");
            assertThat(s.partitions().get(0).committed()).isEqualTo(1);
        }
        try (PipelineTestDriver d = PipelineTestDriver.create(strict, dir)) {
            PipelineStatus s = d.runtime().pipeline("strict").orElseThrow();
            assertThat(s.state()).isEqualTo(PipelineStatus.State.FAILED);
            assertThat(s.failure()).contains("in/0@1");
            // a fixed version, with dead letters, takes over at the failing record
            Pipeline fixed = Pipeline.from("in").filter("ok").to("out").build("strict");
            d.runtime().deploy(fixed);
        }
        try (PipelineTestDriver d = PipelineTestDriver.create(Pipeline.from("in").filter("ok").to("out")
                .build("strict"), dir)) {
            assertThat(d.outputs("out")).extracting(TestRecord::value).containsExactly(rec(1, true), rec(3, true));
            assertThat(d.deadLetters()).hasSize(1);
        }
    }

    @Test
    void dedupeStateSurvivesARestart() throws Exception {
        Pipeline p = Pipeline.from("in").dedupe("id", Duration.ofHours(1)).to("out").build("dd");
        try (PipelineTestDriver d = PipelineTestDriver.create(p, dir)) {
            d.send("in", "{\"id\":\"a\"}", "{\"id\":\"b\"}");
            assertThat(d.outputs("out")).hasSize(2);
        }
        try (PipelineTestDriver d = PipelineTestDriver.create(p, dir)) {
            d.send("in", "{\"id\":\"a\"}", "{\"id\":\"c\"}");
            assertThat(d.outputs("out")).extracting(TestRecord::value)
                    .containsExactly("{\"id\":\"a\"}", "{\"id\":\"b\"}", "{\"id\":\"c\"}");
            assertThat(d.status().steps().get(0).dropped()).containsEntry("duplicate", 1L);
        }
    }

    @Test
    void aCloseSnapshotsDedupeStateAndADamagedSnapshotIsIgnored() throws Exception {
        Pipeline p = Pipeline.from("in").dedupe("id", Duration.ofHours(1)).to("out").build("snap");
        try (PipelineTestDriver d = PipelineTestDriver.create(p, dir)) {
            d.send("in", "{\"id\":\"a\"}", "{\"id\":\"b\"}");
            assertThat(d.outputs("out")).hasSize(2);
        }
        Path snapshot = dir.resolve("state").resolve("__faucet.state.snap.0").resolve("0.snap");
        assertThat(snapshot).exists();
        try (PipelineTestDriver d = PipelineTestDriver.create(p, dir)) {
            d.send("in", "{\"id\":\"a\"}");
            assertThat(d.outputs("out")).hasSize(2);
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(snapshot);
        bytes[bytes.length / 2] ^= 0x40;
        java.nio.file.Files.write(snapshot, bytes);
        try (PipelineTestDriver d = PipelineTestDriver.create(p, dir)) {
            d.send("in", "{\"id\":\"b\"}", "{\"id\":\"c\"}");
            assertThat(d.outputs("out")).extracting(TestRecord::value)
                    .containsExactly("{\"id\":\"a\"}", "{\"id\":\"b\"}", "{\"id\":\"c\"}");
        }
    }

    @Test
    void enrichFollowsTheTableAndHonoursOnMissing() {
        Pipeline p = Pipeline.from("orders").enrich("customers", "customerId", "customer", OnMissing.DEAD_LETTER)
                .to("out").build("enr");
        try (PipelineTestDriver d = PipelineTestDriver.create(p)) {
            d.table("customers", TestRecord.of("c1", "{\"tier\":\"gold\"}"));
            d.send("orders", "{\"customerId\":\"c1\"}", "{\"customerId\":\"c2\"}");
            assertThat(d.outputs("out")).extracting(TestRecord::value)
                    .containsExactly("{\"customerId\":\"c1\",\"customer\":{\"tier\":\"gold\"}}");
            assertThat(d.deadLetters()).singleElement().extracting(TestRecord::value).asString()
                    .contains("\"type\":\"enrich-missing\"").contains("c2");
            d.table("customers", TestRecord.of("c2", "{\"tier\":\"silver\"}"));
            // the table follows its topic: soon an order of c2 finds its row (earlier ones may be dead letters)
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                d.send("orders", "{\"customerId\":\"c2\"}");
                assertThat(d.outputs("out")).last().extracting(TestRecord::value)
                        .isEqualTo("{\"customerId\":\"c2\",\"customer\":{\"tier\":\"silver\"}}");
            });
        }
    }

    @Test
    void aTableOverItsRowLimitStopsThePipelinesThatUseItWithTheReason() {
        System.setProperty("faucet.pipeline.maxTableRows", "3");
        Pipeline p = Pipeline.from("orders").enrich("customers", "customerId", "customer", OnMissing.KEEP).to("out")
                .build("bigtable");
        try (PipelineTestDriver d = PipelineTestDriver.create(p)) {
            d.table("customers", TestRecord.of("c1", "{}"), TestRecord.of("c2", "{}"), TestRecord.of("c3", "{}"),
                    TestRecord.of("c1", "{\"v\":2}"), TestRecord.of("c4", "{}"));
            d.send("orders", "{\"customerId\":\"c1\"}");
            PipelineStatus s = d.status();
            assertThat(s.state()).isEqualTo(PipelineStatus.State.FAILED);
            assertThat(s.failure()).contains("table 'customers' has more than 3 rows")
                    .contains("faucet.pipeline.maxTableRows");
            assertThat(d.outputs("out")).isEmpty();
        } finally {
            System.clearProperty("faucet.pipeline.maxTableRows");
        }
    }

    @Test
    void aPipelineNamingMissingTopicsIsRefusedWithEveryProblem() {
        try (PipelineTestDriver d = PipelineTestDriver.create(PASS)) {
            Pipeline bad = Pipeline.from("nope").enrich("nothing", "id", "x", OnMissing.KEEP).to("nowhere")
                    .build("bad");
            assertThatThrownBy(() -> d.runtime().deploy(bad)).isInstanceOfSatisfying(InvalidPipelineException.class,
                    e -> assertThat(e.problems()).extracting(InvalidPipelineException.Problem::field)
                            .containsExactly("input", "steps[0].enrich.from", "steps[1].to"));
            assertThat(d.runtime().pipeline("bad")).isEmpty();
        }
    }
}
