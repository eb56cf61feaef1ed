package dev.faucet.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The data directory of a run: fresh under {@code ./target/bench} unless given, deleted afterwards (also when the run
 * is interrupted) unless kept.
 */
final class BenchDir implements AutoCloseable {
    private final Path root;
    private final boolean delete;
    private final Thread onExit;

    BenchDir(BenchOptions o) throws IOException {
        Path base = o.dir() != null ? o.dir() : Path.of("target", "bench");
        Files.createDirectories(base);
        this.root = Files.createTempDirectory(base.toAbsolutePath(), "run-");
        this.delete = !o.keep();
        this.onExit = new Thread(this::deleteQuietly, "bench-dir-cleanup");
        if (delete) {
            Runtime.getRuntime().addShutdownHook(onExit);
        }
    }

    private void deleteQuietly() {
        try {
            deleteTree(root);
        } catch (UncheckedIOException e) {
            System.err.println("could not delete " + root + ": " + e.getCause());
        }
    }

    /** A new, empty sub-directory for one configuration. */
    Path fresh(String name) throws IOException {
        Path p = root.resolve(name);
        deleteTree(p);
        return Files.createDirectories(p);
    }

    Path root() {
        return root;
    }

    /** Deletes a directory and everything in it; nothing when it does not exist. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }

    @Override
    public void close() {
        if (delete) {
            Runtime.getRuntime().removeShutdownHook(onExit);
            deleteTree(root);
        } else {
            System.out.println("kept the data in " + root);
        }
    }
}
