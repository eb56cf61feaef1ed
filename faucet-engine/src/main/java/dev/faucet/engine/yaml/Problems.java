package dev.faucet.engine.yaml;

import dev.faucet.engine.InvalidPipelineException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The problems found in one pipeline file, reported together in line order. Collection stops at {@link #MAX}, so a
 * file with thousands of bad lines still gives a short answer.
 */
final class Problems {
    static final int MAX = 100;

    private final String file;
    private final List<InvalidPipelineException.Problem> found = new ArrayList<>();
    private int dropped;

    Problems(String file) {
        this.file = file;
    }

    void add(int line, String field, String message) {
        if (found.size() < MAX) {
            found.add(new InvalidPipelineException.Problem(file, line, field, message));
        } else {
            dropped++;
        }
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    int count() {
        return found.size();
    }

    /** Throws every problem found, in line order, if there is one. */
    void throwIfAny() {
        if (found.isEmpty()) {
            return;
        }
        List<InvalidPipelineException.Problem> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingInt(InvalidPipelineException.Problem::line));
        if (dropped > 0) {
            sorted.add(new InvalidPipelineException.Problem(file, 0, null, dropped + " more problems not shown"));
        }
        throw new InvalidPipelineException(sorted);
    }
}
