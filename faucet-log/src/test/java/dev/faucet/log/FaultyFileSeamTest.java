package dev.faucet.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seam that simulates faults: its crash must cope with a log that keeps closing and renaming files meanwhile. */
class FaultyFileSeamTest {
    @TempDir
    Path dir;

    /**
     * A compaction swap renames a fsynced {@code .cleaned} file over its segment on the writer thread, and a deletion
     * moves a topic's directory away; the crash runs at the same time, so a closed file it checked may be gone when it
     * reopens it. CrashSimulationTest seed 18063 failed so, with NoSuchFileException out of {@code crash}.
     */
    @Test
    void shouldCrashWhenAClosedFileIsRenamedAwayBetweenTheCrashsCheckAndItsOpen() throws Exception {
        Path cleaned = dir.resolve("00000000000000000009.log.cleaned");
        Path segment = dir.resolve("00000000000000000009.log");
        AtomicBoolean crashing = new AtomicBoolean();
        FaultyFileSeam seam = new FaultyFileSeam(new FileSeam() {
            @Override
            public LogFile open(Path path) throws IOException {
                if (crashing.get() && path.equals(cleaned)) {
                    Files.move(cleaned, segment, StandardCopyOption.ATOMIC_MOVE); // the swap, just now
                    throw new NoSuchFileException(path.toString());
                }
                return FileSeam.real().open(path);
            }

            @Override
            public void forceDirectory(Path d) {
                // directory entries are not part of the simulated crash
            }
        });
        try (LogFile f = seam.open(cleaned)) {
            f.append(ByteBuffer.wrap(new byte[100]));
            f.force();
        }
        crashing.set(true);

        assertThat(seam.crash(new Random(1))).as("files that lost bytes").isEmpty();
        assertThat(Files.size(segment)).isEqualTo(100);
    }

    /**
     * A topic deletion closes the topic's open segments on the writer thread while the crash may be cutting them.
     * CrashSimulationTest seed 34 failed so, with ClosedChannelException out of {@code crash}.
     */
    @Test
    void shouldCutAnOpenFileThatTheLogClosesWhileTheCrashCutsIt() throws Exception {
        Path path = dir.resolve("00000000000000000000.log");
        AtomicBoolean crashing = new AtomicBoolean();
        AtomicReference<LogFile> opened = new AtomicReference<>();
        FaultyFileSeam seam = new FaultyFileSeam(new FileSeam() {
            @Override
            public LogFile open(Path p) throws IOException {
                return new ForwardingLogFile(FileSeam.real().open(p)) {
                    @Override
                    public long size() throws IOException {
                        if (crashing.getAndSet(false)) {
                            opened.get().close(); // the deletion, just now
                        }
                        return super.size();
                    }
                };
            }

            @Override
            public void forceDirectory(Path d) {
                // directory entries are not part of the simulated crash
            }
        });
        opened.set(seam.open(path));
        opened.get().append(ByteBuffer.wrap(new byte[100])); // never forced
        crashing.set(true);

        assertThat(seam.crash(new LoseEverythingNotForced())).as("files that lost bytes").containsExactly(path);
        assertThat(Files.size(path)).isZero();
    }

    /** A power loss that keeps nothing that was not fsynced. */
    private static final class LoseEverythingNotForced extends Random {
        private static final long serialVersionUID = 1L;

        @Override
        public double nextDouble() {
            return 0.999_999;
        }
    }
}
