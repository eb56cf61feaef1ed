package dev.faucet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every example pipeline in {@code examples/} has an expected-output case in {@code examples/tests/NAME/}. */
class ExamplesTest {
    static final Path EXAMPLES = Path.of("..", "examples");

    @TestFactory
    Stream<DynamicTest> examplePipelinesGiveTheirExpectedOutputs() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            files = s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).as("example pipelines").isNotEmpty();
        return files.stream().map(f -> {
            String name = f.getFileName().toString().replace(".yaml", "");
            Path cases = EXAMPLES.resolve("tests").resolve(name);
            return DynamicTest.dynamicTest(name, () -> {
                assertThat(cases).as("the expected-output case of example " + name).isDirectory();
                Conformance.check(f, cases);
            });
        });
    }
}
