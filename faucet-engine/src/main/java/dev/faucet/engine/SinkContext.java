package dev.faucet.engine;

/**
 * What a sink is told when it opens: whose it is, the queue it delivers from, and its settings.
 *
 * @param pipeline the pipeline's name
 * @param sink the sink's name in the pipeline (its {@code name}, or {@code sink#N} after its step)
 * @param topic the identity of the internal topic that queues the sink's records, {@code
 *     __faucet.sink.<pipeline>.<step>~<incarnation>}: a queue made anew (the pipeline deleted and deployed again) has
 *     another, so positions a sink keeps under it never apply to the new queue
 * @param partition the partition of {@code topic} this instance delivers
 * @param guarantee the pipeline's guarantee
 * @param config the sink's settings as written in the pipeline
 */
public record SinkContext(String pipeline, String sink, String topic, int partition, Guarantee guarantee,
        ConnectorConfig config) {
}
