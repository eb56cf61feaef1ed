package dev.faucet.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.faucet.engine.InvalidPipelineException.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipeline files that are refused: every problem, with file, line and field, and a message that says what to do. */
class PipelineYamlErrorsTest {
    @TempDir
    Path dir;

    static List<Problem> problems(String yaml) {
        try {
            PipelineYaml.parse(yaml, "p.yaml", null);
        } catch (InvalidPipelineException e) {
            assertThat(e.problems()).allSatisfy(p -> assertThat(p.file()).isEqualTo("p.yaml"));
            return e.problems();
        }
        return fail("parsed, but expected problems:\n" + yaml);
    }

    static Problem problem(String yaml) {
        List<Problem> found = problems(yaml);
        assertThat(found).as("problems").hasSize(1);
        return found.get(0);
    }

    /** A pipeline with one step, {@code step}, before a last {@code to}, so that the step is line 4. */
    static Problem step(String step) {
        return problem("name: p\ninput: i\nsteps:\n  - " + step + "\n  - to: o\n");
    }

    static void assertProblem(Problem p, int line, String field, String... message) {
        assertThat(p.line()).as("line of " + p).isEqualTo(line);
        assertThat(p.field()).as("field of " + p).isEqualTo(field);
        assertThat(p.message()).as("message of " + p).contains(message);
        assertThat(p.toString()).startsWith(line > 0 ? "p.yaml:" + line + ": " : "p.yaml: ");
    }

    @Test
    void anUnknownKeySuggestsTheClosestKnownOne() {
        assertProblem(step("enrich: { from: c, key: id, into: customer, onMising: skip }"), 4,
                "steps[0].enrich.onMising", "unknown key 'onMising'; did you mean 'onMissing'?",
                "from, key, into, onMissing");
        assertProblem(problems("name: p\ninput: i\nstep:\n  - to: o\n").get(1), 3, "step", "did you mean 'steps'?");
        assertProblem(problem("name: p\ninput: i\nsteps: [{to: o}]\nerrors: { max_backoff: 1s }\n"), 4,
                "errors.max_backoff", "did you mean 'maxBackoff'?");
        assertProblem(step("filtr: \"a > 1\""), 4, "steps[0].filtr", "unknown step 'filtr'; did you mean 'filter'?");
    }

    @Test
    void anUnknownKeyFarFromEveryKnownOneGetsTheListButNoGuess() {
        Problem p = problem("name: p\ninput: i\nsteps: [{to: o}]\nowner: team-a\n");

        assertProblem(p, 4, "owner", "unknown key 'owner'", "(the keys here: name, description, input");
        assertThat(p.message()).doesNotContain("did you mean");
    }

    @Test
    void stepsAndFormsThatDesignPlansButThisVersionDoesNotRunAreRefusedAsSuch() {
        assertProblem(step("aggregate: { key: customerId }"), 4, "steps[0].aggregate",
                "the aggregate step is planned", "does not run it yet");
        assertProblem(step("join: { with: x }"), 4, "steps[0].join", "does not run it yet");
        assertProblem(step("sink: { kafka: { topic: x } }"), 4, "steps[0].sink.kafka.bootstrap", "missing"
                + " 'bootstrap'");
        assertProblem(step("enrich: { from: { jdbc: { url: \"jdbc:x\" } }, key: id, into: c }"), 4,
                "steps[0].enrich.from.jdbc.query", "missing 'query'");
        assertProblem(problems("name: p\ninput: i\nsteps:\n  - enrich: { from: { http: { url: \"https://x\" } }, key: id,"
                + " into: c }\n  - to: o\n").get(0), 4, "steps[0].enrich.from.http", "unknown key 'http'",
                "(the keys here: jdbc)");
        assertProblem(step("enrich: { from: c, key: id, into: c, cache: { size: 10 } }"), 4, "steps[0].enrich.cache",
                "'cache' belongs to enriching from a database");
        assertThat(step("aggregate: {}").message()).doesNotContain("unknown");
    }

    @Test
    void everyMissingRequiredKeyIsNamed() {
        List<Problem> found = problems("description: nothing else\n");

        assertThat(found).extracting(Problem::field).containsExactly("name", "input", "steps");
        assertThat(found).allSatisfy(p -> assertThat(p.line()).isEqualTo(1));
        assertThat(found.get(2).message()).startsWith("missing 'steps' (a list of steps)");
        assertProblem(step("enrich: { from: c, key: id }"), 4, "steps[0].enrich.into", "missing 'into' (a field name)");
        assertProblem(step("route: [{ when: \"a\" }]"), 4, "steps[0].route[0].to", "missing 'to'");
    }

    @Test
    void numbersBooleansAndNothingAreRefusedWhereTextIsExpected() {
        assertProblem(step("filter: 42"), 4, "steps[0].filter", "42 is a number, not a CEL expression",
                "write \"42\" in quotes");
        assertProblem(step("filter: true"), 4, "steps[0].filter", "true is a YAML boolean");
        assertProblem(step("key: on"), 4, "steps[0].key", "on is a YAML boolean", "yes, no, on and off");
        assertProblem(step("filter:"), 4, "steps[0].filter", "is empty: expected a CEL expression");
        assertProblem(step("filter: \"  \""), 4, "steps[0].filter", "is empty");
        assertProblem(problem("name: 2024\ninput: i\nsteps: [{to: o}]\n"), 1, "name", "2024 is a number");
        assertProblem(problem("name: p\ninput: 2024-01-01\nsteps: [{to: o}]\n"), 2, "input", "reads as a date");
    }

    @Test
    void wrongShapesSayWhatWasExpectedAndWhatWasFound() {
        assertProblem(step("to: [a, b]"), 4, "steps[0].to", "expected a topic name, found a list");
        assertProblem(step("set: \"a = 1\""), 4, "steps[0].set",
                "expected a mapping of field names to CEL expressions, found the text 'a = 1'");
        assertProblem(step("set: {}"), 4, "steps[0].set", "is empty");
        assertProblem(step("route: { to: o }"), 4, "steps[0].route", "expected a list of mappings, found a mapping");
        assertProblem(step("enrich: customers"), 4, "steps[0].enrich",
                "expected a mapping with the keys from, key, into, onMissing");
        assertProblem(problem("name: p\ninput: i\nsteps: to\n"), 3, "steps", "expected a list of steps");
        assertProblem(problem("name: p\ninput: i\nsteps: []\n"), 3, "steps", "at least one step");
        assertProblem(problem("name: p\ninput: []\nsteps: [{to: o}]\n"), 2, "input", "empty list");
        assertProblem(step("to: \"orders gold\""), 4, "steps[0].to", "'orders gold' is not a topic name");
        assertProblem(problem("name: p\ninput: [a, b, a]\nsteps: [{to: o}]\n"), 2, "input[2]", "listed twice");
    }

    @Test
    void aBadChoiceListsTheAllowedValues() {
        assertProblem(problem("name: p\ninput: i\nguarantee: exactly_once\nsteps: [{to: o}]\n"), 3, "guarantee",
                "'exactly_once' is not one of at-most-once, at-least-once, exactly-once",
                "did you mean 'exactly-once'?");
        assertProblem(step("enrich: { from: c, key: id, into: c, onMissing: ignore }"), 4,
                "steps[0].enrich.onMissing", "not one of dead-letter, skip, keep");
        assertProblem(problem("name: p\ninput: i\nsteps: [{to: o}]\nerrors: { onFailure: stop }\n"), 4,
                "errors.onFailure", "not one of dead-letter, fail");
    }

    @Test
    void durationsNeedAWholeNumberAndAUnit() {
        assertProblem(problem("name: p\ninput: i\ntime: { maxOutOfOrder: 5 }\nsteps: [{to: o}]\n"), 3,
                "time.maxOutOfOrder", "5 has no unit: add one, e.g. 5s (units: ms, s, m, h, d)");
        assertProblem(step("dedupe: { key: id, within: \"10\" }"), 4, "steps[0].dedupe.within", "has no unit");
        assertProblem(step("dedupe: { key: id, within: 5 min }"), 4, "steps[0].dedupe.within",
                "'5 min' is not a duration: write a whole number and a unit");
        assertProblem(step("dedupe: { key: id, within: 1.5s }"), 4, "steps[0].dedupe.within", "not a duration");
        assertProblem(step("dedupe: { key: id, within: 0s }"), 4, "steps[0].dedupe.within", "must be more than 0");
        assertProblem(step("dedupe: { key: id, within: 99999999999999999999d }"), 4, "steps[0].dedupe.within",
                "not a duration");
        assertProblem(problem("name: p\ninput: i\nsteps: [{to: o}]\nerrors:\n  backoff: 20s\n"), 5,
                "errors.maxBackoff", "maxBackoff (10s) is shorter than backoff (20s)");
    }

    @Test
    void retriesAreAWholeNumberOfZeroOrMore() {
        assertProblem(problem("name: p\ninput: i\nsteps: [{to: o}]\nerrors: { retries: -1 }\n"), 4,
                "errors.retries", "must be 0 or more");
        assertProblem(problem("name: p\ninput: i\nsteps: [{to: o}]\nerrors: { retries: \"3\" }\n"), 4,
                "errors.retries", "expected a whole number, found the text '3': write it without quotes");
        assertProblem(problem("name: p\ninput: i\nsteps: [{to: o}]\nerrors: { retries: 2.5 }\n"), 4,
                "errors.retries", "expected a whole number, found the number 2.5");
    }

    @Test
    void aStepHasExactlyOneKey() {
        assertProblem(problem("name: p\ninput: i\nsteps:\n  - filter: \"a\"\n    to: o\n"), 4, "steps[0]",
                "a step has one key, its kind, but this one has 'filter', 'to': start each step with its own '- '");
        assertProblem(problem("name: p\ninput: i\nsteps:\n  - enrich:\n    from: c\n  - to: o\n"), 4, "steps[0]",
                "indent 'from' under 'enrich'");
        assertProblem(step("{}"), 4, "steps[0]", "an empty step: write one of validate, filter, set, map, drop");
        assertProblem(step("filter"), 4, "steps[0]", "'filter' needs a value, for example: - filter: \"amount > 0\"");
        assertProblem(step("42"), 4, "steps[0]", "expected a step (a mapping with one key");
    }

    @Test
    void duplicateKeysAreRefusedWithBothLines() {
        assertProblem(problem("name: p\ninput: i\nname: q\nsteps: [{to: o}]\n"), 3, "name",
                "duplicate key 'name' (first at line 1)");
        assertProblem(problem("name: p\ninput: i\nsteps:\n  - set:\n      a: \"1\"\n      a: \"2\"\n  - to: o\n"), 6,
                "steps[0].set.a", "duplicate key 'a' (first at line 5)");
        assertProblem(step("validate: { schema: { type: object, type: string } }"), 4, "steps[0].validate.schema.type",
                "duplicate key 'type'");
    }

    @Test
    void explicitYamlTagsAreRefusedEvenHarmlessOnes() {
        assertProblem(problem("name: !!python/object:os.system p\ninput: i\nsteps: [{to: o}]\n"), 1, null,
                "YAML tags (!!python/object:os.system) are not allowed in pipeline files");
        assertProblem(problem("name: p\ninput: !foo i\nsteps: [{to: o}]\n"), 2, null, "YAML tags (!foo)");
        assertProblem(problem("name: !!str p\ninput: i\nsteps: [{to: o}]\n"), 1, null, "YAML tags (!!str)");
        assertProblem(problem("name: p\ninput: i\nsteps: !!seq [{to: o}]\n"), 3, null, "YAML tags (!!seq)");
    }

    @Test
    void anchorsAndAliasesAreRefusedWhichAlsoStopsAliasBombs() {
        List<Problem> found = problems("name: p\ninput: &in i\nsteps: [{to: *in}]\n");
        assertThat(found).extracting(Problem::line).containsExactly(2, 3);
        assertThat(found).allSatisfy(p -> assertThat(p.message())
                .isEqualTo("anchors and aliases are not allowed in pipeline files"));

        StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 30; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [");
            bomb.append(("*a" + (i - 1) + ", ").repeat(9)).append("*a").append(i - 1).append("]\n");
        }
        List<Problem> bombProblems = problems(bomb.toString());
        assertThat(bombProblems).hasSizeLessThanOrEqualTo(101);
        assertThat(bombProblems.get(0).message()).contains("anchors and aliases are not allowed");
    }

    @Test
    void filesOverOneMebibyteAreRefused() {
        String big = "name: p\ninput: i\nsteps: [{to: o}]\ndescription: \"" + "x".repeat(PipelineYaml.MAX_FILE_BYTES)
                + "\"\n";
        assertProblem(problem(big), 0, null, "a pipeline file may have at most 1048576 (1 MiB)");
        String multiByte = "name: p\ninput: i\nsteps: [{to: o}]\ndescription: \""
                + "é".repeat(PipelineYaml.MAX_FILE_BYTES / 2) + "\"\n";
        assertThat(problem(multiByte).message()).contains("at most 1048576");
    }

    @Test
    void nestingDeeperThanTheLimitIsRefused() {
        String deep = "name: p\ninput: i\nsteps: [{to: o}]\ndescription: " + "[".repeat(100) + "]".repeat(100) + "\n";

        assertProblem(problem(deep), 4, null, "nested more than 64 levels deep");
    }

    @Test
    void oneDocumentPerFileAndNotAnEmptyOne() {
        assertProblem(problem("name: p\ninput: i\nsteps: [{to: o}]\n---\nname: q\n"), 4, null,
                "a second YAML document starts here");
        assertProblem(problem(""), 0, null, "the file is empty");
        assertProblem(problem("# only a comment\n\n"), 0, null, "the file is empty");
        assertProblem(problem("---\n"), 0, null, "the file is empty");
        assertProblem(problem("- to: o\n"), 1, null, "a pipeline file is a mapping with at least name, input and"
                + " steps, not a list");
    }

    @Test
    void aYamlSyntaxErrorNamesItsLine() {
        assertProblem(problem("name: p\ninput: i\nsteps:\n  - filter: a: b\n"), 4, null,
                "not valid YAML: mapping values are not allowed here");
    }

    @Test
    void everyIndependentProblemIsReportedInLineOrder() {
        List<Problem> found = problems("""
                name: p
                input: i
                guarantee: twice
                steps:
                  - filter: 42
                  - enrich: { from: c, key: id, into: c, onMising: skip }
                  - aggregate: {}
                  - to: "a b"
                errors: { backoff: 5 }
                nam: x
                """);

        assertThat(found).extracting(Problem::line).containsExactly(3, 5, 6, 7, 8, 9, 10);
        assertThat(found).extracting(Problem::field).containsExactly("guarantee", "steps[0].filter",
                "steps[1].enrich.onMising", "steps[2].aggregate", "steps[3].to", "errors.backoff", "nam");
    }

    @Test
    void planLevelProblemsAreStillPlacedAtTheirLine() {
        assertProblem(problem("name: p\ninput: i\nsteps:\n  - route: [{to: a}]\n  - filter: \"x\"\n"), 4,
                "steps[0].route", "must be the last step");
        assertProblem(problem("name: p\ninput: i\nsteps:\n  - filter: \"x\"\n"), 3, "steps", "writes nowhere");
        assertProblem(problem("name: p\ninput: i\nsteps:\n  - route:\n      - to: a\n      - to: b\n"), 5,
                "steps[0].route[0]", "only the last branch may be the default");
        assertProblem(problem("name: p\ninput: i\nsteps:\n  - to: i\n"), 4, "steps[0].to", "also an input");
    }

    @Test
    void schemaFilesAreRefusedWhenThePipelineComesAsText() {
        assertProblem(step("validate: { schema: schemas/order.schema.json }"), 4, "steps[0].validate.schema",
                "'schemas/order.schema.json' is a schema file", "inline the schema, or deploy the file with"
                        + " `faucet pipeline deploy`, which bundles it");
    }

    @Test
    void aSchemaFileThatIsMissingOrNotAJsonObjectIsRefused() throws IOException {
        Files.writeString(dir.resolve("broken.json"), "{\"type\": \"object\",\n  \"x\": }");
        Files.writeString(dir.resolve("list.json"), "[1]");
        Files.write(dir.resolve("latin1.json"), "{\"title\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1));
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, "name: p\ninput: i\nsteps:\n  - validate: { schema: missing.json }\n"
                + "  - validate: { schema: broken.json }\n  - validate: { schema: list.json }\n"
                + "  - validate: { schema: latin1.json }\n  - to: o\n");

        List<Problem> found = problemsOf(file);

        assertThat(found).extracting(Problem::line).containsExactly(4, 5, 6, 7);
        assertThat(found).allSatisfy(p -> assertThat(p.file()).isEqualTo(file.toString()));
        assertThat(found.get(0).message()).isEqualTo("schema file 'missing.json' does not exist");
        assertThat(found.get(1).message()).startsWith("schema file 'broken.json' is not JSON:")
                .endsWith("(its line 2)");
        assertThat(found.get(2).message()).isEqualTo("schema file 'list.json' does not hold a JSON object");
        assertThat(found.get(3).message()).isEqualTo("schema file 'latin1.json': the file is not UTF-8 text");
    }

    @Test
    void inlineSchemasHoldOnlyWhatJsonCan() {
        assertProblem(step("validate: { schema: { maximum: 0x1F } }"), 4, "steps[0].validate.schema.maximum",
                "0x1F is not a JSON number");
        assertProblem(step("validate: { schema: { maximum: .inf } }"), 4, "steps[0].validate.schema.maximum",
                "not a JSON number");
        assertProblem(step("validate: { schema: [a] }"), 4, "steps[0].validate.schema", "found a list");
    }

    @Test
    void aFileThatIsTooLargeOrNotUtf8IsRefusedBeforeParsing() throws IOException {
        Path big = dir.resolve("big.yaml");
        Files.write(big, new byte[PipelineYaml.MAX_FILE_BYTES + 1]);
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(problemsOf(big).get(0).message()).contains("over 1048576 bytes");
        assertThat(problemsOf(latin1).get(0)).satisfies(p -> {
            assertThat(p.file()).isEqualTo(latin1.toString());
            assertThat(p.message()).isEqualTo("the file is not UTF-8 text");
        });
    }

    private static List<Problem> problemsOf(Path file) throws IOException {
        try {
            PipelineYaml.parse(file);
        } catch (InvalidPipelineException e) {
            return e.problems();
        }
        return fail("parsed, but expected problems: " + file);
    }
}
