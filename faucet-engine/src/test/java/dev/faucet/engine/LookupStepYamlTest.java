package dev.faucet.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code enrich} from a database: the step it becomes, its cache settings, and a lookup type not installed. */
class LookupStepYamlTest {
    @TempDir
    Path dir;

    private static final String FILE = """
            name: p
            input: i
            steps:
              - enrich:
                  from: { jdbc: { url: "jdbc:postgresql://127.0.0.1/shop", query: "select tier from c where id = ?" } }
                  key: customerId
                  into: customer
                  onMissing: keep
                  %s
              - to: o
            """;

    @Test
    void aJdbcEnrichIsALookupWithItsCache() {
        Step.Lookup l = (Step.Lookup) PipelineYaml.parse(FILE.formatted("cache: { size: 500, ttl: 30s }"), "p.yaml",
                null).steps().get(0);
        assertThat(l.type()).isEqualTo("jdbc");
        assertThat(l.kind()).isEqualTo("enrich");
        assertThat(l.config().raw("query")).isEqualTo("select tier from c where id = ?");
        assertThat(l.onMissing()).isEqualTo(OnMissing.KEEP);
        assertThat(l.cache()).isEqualTo(new Step.Lookup.Cache(500, Duration.ofSeconds(30)));
        Step.Lookup dflt = (Step.Lookup) PipelineYaml.parse(FILE.formatted(""), "p.yaml", null).steps().get(0);
        assertThat(dflt.cache()).isEqualTo(Step.Lookup.Cache.DEFAULT);
        assertThat(PipelineYaml.parse(FILE.formatted(""), "p.yaml", null).tables()).isEmpty();
    }

    @Test
    void deployingALookupWhoseTypeIsNotInstalledSaysWhich() throws Exception {
        try (EmbeddedRuntime rt = EmbeddedRuntime.open(dir)) {
            rt.createTopic(dev.faucet.log.TopicConfig.of("i", 1));
            rt.createTopic(dev.faucet.log.TopicConfig.of("o", 1));
            Pipeline p = PipelineYaml.parse(FILE.formatted(""), "p.yaml", null);
            assertThatThrownBy(() -> rt.deploy(p)).isInstanceOf(InvalidPipelineException.class)
                    .hasMessageContaining("p.yaml:5").hasMessageContaining("no lookup of type 'jdbc' is installed");
        }
    }
}
