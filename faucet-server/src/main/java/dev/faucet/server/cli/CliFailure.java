package dev.faucet.server.cli;

import java.io.Serial;
import java.util.List;

/**
 * Why a command failed, in lines for the person who typed it; {@link ClientCommand} prints each as
 * {@code faucet: <line>} on stderr and exits with 1.
 */
final class CliFailure extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient List<String> lines;

    CliFailure(String... lines) {
        super(String.join("; ", lines));
        this.lines = List.of(lines);
    }

    List<String> lines() {
        return lines;
    }
}
