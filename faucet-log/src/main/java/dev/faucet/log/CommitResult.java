package dev.faucet.log;

import java.util.List;

/** Where the records of a {@link Commit} landed: one list per {@link Commit.Append}, in the order of its records. */
public record CommitResult(List<List<RecordPosition>> positions) {
}
