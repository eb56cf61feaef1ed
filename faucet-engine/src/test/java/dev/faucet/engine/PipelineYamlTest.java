package dev.faucet.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipeline files that are valid: what plan they become, with which defaults, lines and version. */
class PipelineYamlTest {
    static final Path PIPELINES = Path.of("src/test/resources/pipelines");

    static Pipeline parse(String yaml) {
        return PipelineYaml.parse(yaml, "p.yaml", null);
    }

    @Test
    void theDesignExampleParsesToTheSamePlanAsTheJavaDsl() throws IOException {
        String schema = Files.readString(PIPELINES.resolve("schemas/order.schema.json"));
        Pipeline dsl = Pipeline.from("orders")
                .guarantee(Guarantee.EXACTLY_ONCE)
                .time("eventTime", Duration.ofSeconds(5))
                .step(new Step.Validate(compact(schema), "schemas/order.schema.json"))
                .filter("amount > 0")
                .enrich("customers", "customerId", "customer", OnMissing.DEAD_LETTER)
                .set("total", "amount * (1.0 + customer.taxRate)")
                .route(r -> r.when("customer.tier == 'gold'", "orders-gold").otherwise("orders-standard"))
                .errors(new ErrorPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(10), "orders-dlq",
                        ErrorPolicy.OnFailure.DEAD_LETTER))
                .build("orders-routing");

        Pipeline yaml = PipelineYaml.parse(PIPELINES.resolve("orders-routing.yaml"));

        assertThat(yaml.name()).isEqualTo(dsl.name());
        assertThat(yaml.inputs()).isEqualTo(dsl.inputs());
        assertThat(yaml.guarantee()).isEqualTo(dsl.guarantee());
        assertThat(yaml.time()).isEqualTo(dsl.time());
        assertThat(yaml.steps()).isEqualTo(dsl.steps());
        assertThat(yaml.errors()).isEqualTo(dsl.errors());
        assertThat(yaml.outputTopics()).containsExactly("orders-gold", "orders-standard");
        assertThat(yaml.tables()).containsExactly("customers");
    }

    /** The schema file as the step carries it: the same JSON on one line. */
    private static String compact(String json) throws IOException {
        Step.Validate inline = (Step.Validate) parse("name: p\ninput: i\nsteps:\n  - validate: { schema: " + json
                .replace("\n", " ") + " }\n  - to: o\n").steps().get(0);
        return inline.schemaJson();
    }

    @Test
    void everyStepAndTopLevelKeyIsRead() throws IOException {
        Pipeline p = PipelineYaml.parse(PIPELINES.resolve("every-step.yaml"));

        assertThat(p.inputs()).containsExactly("payments", "refunds");
        assertThat(p.guarantee()).isEqualTo(Guarantee.AT_LEAST_ONCE);
        assertThat(p.time()).isEqualTo(new EventTime("occurredAt", Duration.ofMinutes(2)));
        assertThat(p.errors()).isEqualTo(new ErrorPolicy(3, Duration.ofMillis(250), Duration.ofSeconds(30),
                "payments-failed", ErrorPolicy.OnFailure.FAIL));
        LinkedHashMap<String, String> set = new LinkedHashMap<>();
        set.put("fee", "amount * 0.029");
        set.put("net", "amount - fee");
        assertThat(p.steps()).containsExactly(
                new Step.Validate("{\"type\": \"object\", \"required\": [\"paymentId\", \"amount\"], \"properties\":"
                        + " {\"paymentId\": {\"type\": \"string\"}, \"amount\": {\"type\": \"number\","
                        + " \"exclusiveMinimum\": 0}, \"currency\": {\"enum\": [\"EUR\", \"USD\"]}}}", null),
                new Step.Dedupe("paymentId", Duration.ofHours(1)),
                new Step.Filter("amount < 100000 && currency != 'XXX'"),
                new Step.Set(set),
                new Step.MapValue("{'id': paymentId, 'net': net, 'currency': currency}"),
                new Step.Drop(List.of("debug")),
                new Step.Enrich("accounts", "id", "account", OnMissing.KEEP),
                new Step.Key("account.region"),
                new Step.To("payments-audit"),
                new Step.Route(List.of(new Step.Route.Branch("net > 1000", "payments-large"),
                        new Step.Route.Branch("currency == 'USD'", "payments-usd"))));
        assertThat(((Step.Set) p.steps().get(3)).fields().keySet()).containsExactly("fee", "net");
    }

    @Test
    void optionalKeysTakeTheirDefaults() {
        Pipeline p = parse("name: copy\ninput: raw\nsteps:\n  - to: copied\n");

        assertThat(p.guarantee()).isEqualTo(Guarantee.EXACTLY_ONCE);
        assertThat(p.time()).isEqualTo(EventTime.RECORD_TIMESTAMP);
        assertThat(p.errors()).isEqualTo(ErrorPolicy.DEFAULTS);
        assertThat(p.deadLetterTopic()).isEqualTo("copy.dlq");
        assertThat(parse("name: c\ninput: r\ntime: { field: at }\nsteps: [{to: o}]\nerrors: { retries: 0 }\n"))
                .satisfies(q -> {
                    assertThat(q.time()).isEqualTo(new EventTime("at", Duration.ZERO));
                    assertThat(q.errors()).isEqualTo(new ErrorPolicy(0, Duration.ofMillis(100),
                            Duration.ofSeconds(10), null, ErrorPolicy.OnFailure.DEAD_LETTER));
                });
    }

    @Test
    void theOriginGivesTheLineOfEveryFieldTopLevelKeyStepAndBranch() throws IOException {
        Pipeline p = PipelineYaml.parse(PIPELINES.resolve("orders-routing.yaml"));

        assertThat(p.origin().file()).isEqualTo(PIPELINES.resolve("orders-routing.yaml").toString());
        assertThat(p.origin().lines()).contains(entry("name", 3), entry("input", 4), entry("guarantee", 5),
                entry("time", 6), entry("time.maxOutOfOrder", 6), entry("steps", 7), entry("steps[0]", 8),
                entry("steps[0].validate", 8), entry("steps[0].validate.schema", 8), entry("steps[1].filter", 9),
                entry("steps[2].enrich.key", 10), entry("steps[3].set.total", 11), entry("steps[4]", 12),
                entry("steps[4].route", 12), entry("steps[4].route[0]", 13), entry("steps[4].route[0].when", 13),
                entry("steps[4].route[0].to", 14), entry("steps[4].route[1].to", 15), entry("errors", 16),
                entry("errors.retries", 16));
        assertThat(p.problem("steps[1].filter", "does not compile").toString())
                .endsWith("orders-routing.yaml:9: steps[1].filter: does not compile");
    }

    @Test
    void theSameFileHasTheSameVersionAndAnyChangeMakesANewOne() {
        String text = "name: copy\ninput: raw\nsteps:\n  - to: copied\n";

        assertThat(parse(text).source()).isEqualTo(text);
        assertThat(parse(text).version()).isEqualTo(parse(text).version());
        assertThat(parse(text + "# a comment\n").version()).isNotEqualTo(parse(text).version());
    }

    @Test
    void inputAndDropTakeOneNameOrAList() {
        Pipeline one = parse("name: p\ninput: a\nsteps:\n  - drop: x\n  - to: o\n");
        Pipeline list = parse("name: p\ninput: [a, b]\nsteps:\n  - drop: [x, y]\n  - to: o\n");

        assertThat(one.inputs()).containsExactly("a");
        assertThat(one.steps().get(0)).isEqualTo(new Step.Drop(List.of("x")));
        assertThat(list.inputs()).containsExactly("a", "b");
        assertThat(list.steps().get(0)).isEqualTo(new Step.Drop(List.of("x", "y")));
    }

    @Test
    void aSchemaFileIsReadThroughSchemaFilesAndKeepsItsPath() {
        Pipeline p = PipelineYaml.parse("name: p\ninput: i\nsteps:\n  - validate: { schema: s.json }\n  - to: o\n",
                null, ref -> ref.equals("s.json") ? "{\"type\":\"object\",\"minProperties\":1.50}" : null);

        assertThat(p.steps().get(0)).isEqualTo(new Step.Validate("{\"type\": \"object\", \"minProperties\": 1.50}",
                "s.json"));
        assertThat(p.origin().file()).isNull();
    }

    @Test
    void expressionsAreKeptAsWrittenWhateverTheYamlQuoting() {
        Pipeline p = parse("""
                name: p
                input: i
                steps:
                  - filter: amount > 0
                  - filter: 'name == "x"'
                  - filter: "tier == 'gold'"
                  - filter: |
                      a &&
                      b
                  - to: o
                """);

        assertThat(p.steps()).extracting(s -> s instanceof Step.Filter f ? f.expression() : "")
                .containsExactly("amount > 0", "name == \"x\"", "tier == 'gold'", "a &&\nb\n", "");
    }

    @Test
    void aFileMayStartWithAByteOrderMark(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bom.yaml");
        Files.writeString(file, "\uFEFFname: p\ninput: i\nsteps: [{to: o}]\n");

        assertThat(PipelineYaml.parse(file).name()).isEqualTo("p");
    }

    @Test
    void aDescriptionIsAcceptedAndKeptInTheSource() {
        Pipeline p = parse("name: p\ndescription: Copies raw records.\ninput: i\nsteps: [{to: o}]\n");

        assertThat(p.source()).contains("Copies raw records.");
    }
}
