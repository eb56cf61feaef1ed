package dev.faucet.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code faucet produce TOPIC}: publishes NDJSON from stdin, one record per line, in batches ({@link NdjsonBatches}).
 *
 * <p>Each batch is one request with {@code Idempotency-Key: <prefix>-<batch number>}, so it is retried after a lost
 * connection, a timeout, a 503 or a 429 without being written twice ({@link FaucetClient}). The prefix is random
 * unless {@code --idempotency-prefix} names one; running the same input again with the same prefix (within the
 * server's deduplication window) writes only what was not written before. A refused batch (a bad line) stops the
 * run: the server's detail with the input line, and how many records were produced before it. Batches are sent one
 * at a time, in input order, so records keep their input order within each partition.
 */
@Command(name = "produce", description = "Publishes NDJSON from stdin to a topic, one record per line.")
public final class ProduceCommand extends ClientCommand {
    /** A batch grows past its first line only while its body stays under this (the server's default is 16 MiB). */
    static final int MAX_BATCH_BYTES = 4 << 20;
    private static final Pattern PREFIX = Pattern.compile("[\\x21-\\x7e]{1,200}");

    @Parameters(paramLabel = "TOPIC", description = "The topic to publish to.")
    private String topic;

    @Option(names = "--key", paramLabel = "FIELD",
            description = "Take each record's key from this top-level field (records with a key go to the"
                    + " partition of their key).")
    private String keyField;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1000",
            description = "Records per request (default: ${DEFAULT-VALUE}).")
    private int batchRecords;

    @Option(names = "--idempotency-prefix", paramLabel = "P",
            description = "Prefix of each batch's Idempotency-Key (default: a random one). Produce the same input"
                    + " again with the same prefix to finish an interrupted run without duplicates.")
    private String idempotencyPrefix;

    private InputStream input = System.in;

    /** Reads the records from {@code in} instead of stdin. */
    void input(InputStream in) {
        this.input = in;
    }

    @Override
    int run(FaucetClient client) throws InterruptedException {
        String prefix = prefix();
        long startNs = System.nanoTime();
        Progress progress = new Progress(err(), Progress.stderrIsTerminal(), startNs);
        NdjsonBatches batches = new NdjsonBatches(input, batchRecords, MAX_BATCH_BYTES);
        long produced = 0;
        try {
            for (Batch b = read(batches, produced); b != null; b = read(batches, produced)) {
                produced += send(client, b, prefix, produced);
                progress.update(produced, System.nanoTime());
            }
        } finally {
            progress.clear();
        }
        long elapsedNs = System.nanoTime() - startNs;
        out().println("produced " + TextTable.plural(produced, "record") + " to " + topic + " in "
                + String.format(Locale.ROOT, "%.1f", elapsedNs / 1e9) + " s (" + Progress.rate(produced, elapsedNs)
                + " records/s)");
        return 0;
    }

    private String prefix() {
        if (batchRecords < 1) {
            throw new ParameterException(spec().commandLine(), "Invalid --batch: " + batchRecords + " (use 1 or"
                    + " more)");
        }
        if (idempotencyPrefix == null) {
            return UUID.randomUUID().toString();
        }
        if (!PREFIX.matcher(idempotencyPrefix).matches()) {
            throw new ParameterException(spec().commandLine(), "Invalid --idempotency-prefix: use 1 to 200 visible"
                    + " ASCII characters, no spaces");
        }
        return idempotencyPrefix;
    }

    private static Batch read(NdjsonBatches batches, long produced) {
        try {
            return batches.next();
        } catch (IOException e) {
            throw new CliFailure("cannot read the input: " + e.getMessage(), produced(produced));
        }
    }

    /** Sends one batch; returns the number of records written, or throws a failure that says where it stopped. */
    private long send(FaucetClient client, Batch b, String prefix, long produced) throws InterruptedException {
        String query = keyField == null ? "" : "?key=" + FaucetClient.encode(keyField);
        HttpRequest request = client.request(TopicCommand.path(topic) + "/records" + query, false)
                .header("Content-Type", "application/x-ndjson")
                .header("Idempotency-Key", prefix + "-" + b.number())
                .POST(HttpRequest.BodyPublishers.ofByteArray(b.body(), 0, b.length())).build();
        Answer answer;
        try {
            answer = client.call(request, true);
        } catch (CliFailure lost) {
            if (!client.reached()) {
                throw lost;
            }
            throw new CliFailure(lost.getMessage(), unknown(b, prefix, produced));
        }
        if (answer.ok()) {
            return answer.json().path("offsets").size();
        }
        if (answer.status() / 100 != 4) {
            throw new CliFailure(answer.failure().getMessage(), unknown(b, prefix, produced));
        }
        throw new CliFailure(refusal(answer, b), produced == 0 ? "nothing was produced" : "stopped at " + where(b)
                + ", none of which was written; " + produced(produced) + resume(prefix));
    }

    /** After no answer or a 5xx: the batch may have been written, and only the idempotency key can tell. */
    private static String unknown(Batch b, String prefix, long produced) {
        return where(b) + " may or may not have been written; " + produced(produced) + resume(prefix);
    }

    /** The server's detail, its batch-relative line numbers given as input lines. */
    private static String refusal(Answer answer, Batch b) {
        String detail = answer.failure().getMessage();
        List<Integer> lines = answer.errorLines();
        if (lines.isEmpty()) {
            return answer.status() == 413 && !detail.contains("line") ? detail + " (try a smaller --batch)" : detail;
        }
        int bodyLine = lines.get(0);
        int inputLine = b.inputLine(bodyLine);
        if (inputLine < 0) {
            return detail;
        }
        Matcher m = Pattern.compile("\\bline " + bodyLine + "\\b").matcher(detail);
        return m.find() ? detail.substring(0, m.start()) + "input line " + inputLine + detail.substring(m.end())
                : "input line " + inputLine + ": " + detail;
    }

    private static String where(Batch b) {
        return "batch " + b.number() + " (input lines " + b.firstInputLine() + " to " + b.lastInputLine() + ")";
    }

    private static String produced(long produced) {
        return TextTable.plural(produced, "record") + (produced == 1 ? " was" : " were") + " produced before it";
    }

    private static String resume(String prefix) {
        return "; to finish without duplicates, produce the same input again with --idempotency-prefix " + prefix;
    }
}
