package dev.faucet.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs every case of the repository's {@code conformance/} directory on the embedded runtime. */
class ConformanceTest {
    static final Path ROOT = Path.of("..", "conformance");

    @TestFactory
    Stream<DynamicTest> conformanceCases() throws IOException {
        List<Path> cases = Conformance.cases(ROOT);
        assertThat(cases).as("conformance cases in %s", ROOT.toAbsolutePath()).hasSizeGreaterThanOrEqualTo(8);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.getFileName().toString(), () -> Conformance.check(c)));
    }
}
