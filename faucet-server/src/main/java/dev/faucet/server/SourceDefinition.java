package dev.faucet.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A source of the {@code --config} file: copies an external system ({@code type}, e.g. {@code kafka}, with its
 * settings) into the Faucet topic {@code to}, started with the server. The name keys its stored positions.
 */
public record SourceDefinition(String name, String type, ObjectNode settings, String to) {
    public SourceDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(to, "to");
    }
}
