package dev.faucet.engine;

import java.util.Locale;

/** What a pipeline promises about each input record's effect on its outputs after a crash (DESIGN.md, Pipelines). */
public enum Guarantee {
    /** Input offsets are committed first, then outputs: records in flight at a crash are lost, never repeated. */
    AT_MOST_ONCE,
    /** Outputs are committed first, then input offsets: records in flight at a crash are processed again. */
    AT_LEAST_ONCE,
    /** Outputs, state changes and input offsets in one atomic log commit: every input takes effect exactly once. */
    EXACTLY_ONCE;

    /** The YAML spelling: {@code at-most-once}, {@code at-least-once}, {@code exactly-once}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Guarantee fromYaml(String s) {
        for (Guarantee g : values()) {
            if (g.yamlName().equals(s)) {
                return g;
            }
        }
        throw new IllegalArgumentException("unknown guarantee '" + s + "'; use at-most-once, at-least-once or"
                + " exactly-once");
    }
}
