package dev.faucet.server;

import dev.faucet.engine.InvalidPipelineException;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineRuntime;
import dev.faucet.engine.PipelineYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code faucet server --pipelines DIR}: deploys every {@code *.yaml} and {@code *.yml} file directly in DIR, in order
 * of file name, when the server starts.
 *
 * <p>All or nothing: every file is parsed and validated (its topics must exist) before any is deployed, and if one
 * has a problem, or two files define the same pipeline, none is deployed and the server does not start; the
 * {@link InvalidPipelineException} holds every problem of every file, each naming its file and line. A file whose
 * pipeline runs already in the same version changes nothing; pipelines deployed earlier that are not in DIR are left
 * as they are. The topics the pipelines read and write must exist beforehand (the dead-letter topics are created).
 */
final class PipelineDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineDirectory.class);

    private PipelineDirectory() {
    }

    /** Deploys the pipelines of {@code dir}; answers how many files it read. */
    static int deploy(Path dir, PipelineRuntime runtime) throws IOException {
        List<Path> files = files(dir);
        List<Pipeline> pipelines = check(files, runtime);
        for (int i = 0; i < pipelines.size(); i++) {
            Pipeline p = pipelines.get(i);
            Deployment d = Deployment.deploy(runtime, p);
            LOG.info("pipeline '{}' from {}: {} (version {})", p.name(), files.get(i).getFileName(),
                    d.change().label(), p.version());
        }
        return files.size();
    }

    /** The pipeline files of {@code dir}, sorted by name. */
    static List<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "--pipelines: no such directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir.toString());
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(f -> {
                String n = f.getFileName().toString();
                return n.endsWith(".yaml") || n.endsWith(".yml");
            }).sorted().toList();
        }
    }

    /** Parses and validates every file, collecting every problem; throws them all together. */
    private static List<Pipeline> check(List<Path> files, PipelineRuntime runtime) throws IOException {
        List<Pipeline> pipelines = new ArrayList<>();
        List<InvalidPipelineException.Problem> problems = new ArrayList<>();
        Map<String, Path> byName = new HashMap<>();
        for (Path f : files) {
            try {
                Pipeline p = PipelineYaml.parse(f);
                runtime.validate(p);
                Path other = byName.putIfAbsent(p.name(), f);
                if (other != null) {
                    problems.add(p.problem("name", "pipeline '" + p.name() + "' is also defined in "
                            + other.getFileName() + "; each file in --pipelines defines its own pipeline"));
                }
                pipelines.add(p);
            } catch (InvalidPipelineException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidPipelineException(problems);
        }
        return pipelines;
    }
}
