package dev.faucet.engine.yaml;

/**
 * One key of a mapping in a pipeline file: its shape, whether it is required, its default as YAML writes it (null when
 * there is none, or when it depends on other keys and {@code description} says so), and what it means.
 * {@code mappingNote}, when set, refuses a mapping in this place with a note (a planned form, such as
 * {@code from: {jdbc: …}}) instead of a type error.
 */
record FieldSpec(String name, Shape shape, boolean required, String defaultValue, String description,
        String mappingNote) {

    static FieldSpec required(String name, Shape shape, String description) {
        return new FieldSpec(name, shape, true, null, description, null);
    }

    static FieldSpec optional(String name, Shape shape, String defaultValue, String description) {
        return new FieldSpec(name, shape, false, defaultValue, description, null);
    }

    FieldSpec withMappingNote(String note) {
        return new FieldSpec(name, shape, required, defaultValue, description, note);
    }
}
