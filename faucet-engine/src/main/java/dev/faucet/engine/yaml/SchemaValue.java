package dev.faucet.engine.yaml;

/** A {@code validate} step's schema as compact JSON, and the file it came from ({@code null} when inline). */
record SchemaValue(String json, String ref) {
}
