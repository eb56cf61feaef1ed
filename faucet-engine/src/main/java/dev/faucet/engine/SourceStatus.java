package dev.faucet.engine;

/**
 * A running source as status shows it: where it copies to, how many records it copied since the server started, and
 * its last error (null while it reads without trouble).
 */
public record SourceStatus(String name, String type, String topic, boolean running, long records, String error) {
}
