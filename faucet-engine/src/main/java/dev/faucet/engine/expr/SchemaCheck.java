package dev.faucet.engine.expr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A compiled JSON Schema that checks record values.
 *
 * <p>Draft 2020-12 unless the schema's {@code $schema} names another draft (2019-09, 7, 6 or 4). {@link #compile}
 * checks the schema against its draft's meta-schema, so a typo such as {@code "type": "strin"} fails at deploy time,
 * not on the first record. {@code format} is asserted ({@code "format": "email"} rejects "bob"), as users of a
 * validation step expect, although 2020-12 makes it an annotation by default.
 *
 * <p>No network, no files: a {@code $ref} must point into the schema itself ({@code #/$defs/price}, or a URI some
 * {@code $id} in it names); any other reference is refused at compile, and the validator is set never to fetch.
 *
 * <p>Immutable once compiled: any number of threads may call {@link #violations} at once. Validation reads the
 * {@link JsonNode} as it is, without serialising it.
 */
public final class SchemaCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Jackson's "[Source: ...; line: 2, column: 14]", which says nothing more than the line and column. */
    private static final Pattern JACKSON_LOCATION = Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)]");
    private static final SchemaRegistryConfig CONFIG = SchemaRegistryConfig.builder()
        .pathType(PathType.JSON_POINTER)
        .formatAssertionsEnabled(true)
        .build();
    /** Meta-schemas by dialect id; they come from the validator's own resources. */
    private static final Map<String, Schema> META_SCHEMAS = new ConcurrentHashMap<>();

    private final Schema schema;

    private SchemaCheck(Schema schema) {
        this.schema = schema;
    }

    /** Compiles a schema; {@link IllegalArgumentException} saying why when it is not JSON or not a valid schema. */
    public static SchemaCheck compile(String schemaJson) {
        JsonNode node = parse(schemaJson);
        if (!node.isObject() && !node.isBoolean()) {
            throw new IllegalArgumentException("a JSON Schema is an object or a boolean, not " + node.getNodeType()
                .toString().toLowerCase(java.util.Locale.ROOT));
        }
        SpecificationVersion version = version(node);
        requireValid(node, version);
        SchemaReferences.requireLocal(node);
        try {
            Schema schema = registry(version).getSchema(node);
            schema.initializeValidators();
            return new SchemaCheck(schema);
        } catch (SchemaException e) {
            throw new IllegalArgumentException("the schema cannot be used: " + e.getMessage(), e);
        }
    }

    /**
     * Every way {@code value} breaks the schema, as "pointer: message" ({@code /amount: must have a minimum value of
     * 0}); the root is written "/". Empty when the value is valid. Sorted by pointer, then message.
     */
    public List<String> violations(JsonNode value) {
        return format(schema.validate(value));
    }

    private static List<String> format(List<Error> errors) {
        return errors.stream()
            .map(e -> pointer(e) + ": " + e.getMessage())
            .distinct()
            .sorted(Comparator.comparing((String s) -> s.substring(0, s.indexOf(": "))).thenComparing(s -> s))
            .toList();
    }

    private static String pointer(Error error) {
        String pointer = error.getInstanceLocation().toString();
        return pointer.isEmpty() ? "/" : pointer;
    }

    private static JsonNode parse(String schemaJson) {
        if (schemaJson == null || schemaJson.isBlank()) {
            throw new IllegalArgumentException("the schema is empty");
        }
        try {
            return JSON.readTree(schemaJson);
        } catch (JsonProcessingException e) {
            String what = JACKSON_LOCATION.matcher(e.getOriginalMessage()).replaceAll("line $1, column $2");
            throw new IllegalArgumentException("the schema is not JSON: " + what + " at line "
                + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
    }

    private static SpecificationVersion version(JsonNode schema) {
        JsonNode declared = schema.isObject() ? schema.get("$schema") : null;
        if (declared == null) {
            return SpecificationVersion.DRAFT_2020_12;
        }
        String id = declared.asText();
        Optional<SpecificationVersion> version = SpecificationVersion.fromDialectId(id);
        if (version.isEmpty() && !id.endsWith("#")) {
            version = SpecificationVersion.fromDialectId(id + "#");
        }
        if (version.isEmpty() && id.endsWith("#")) {
            version = SpecificationVersion.fromDialectId(id.substring(0, id.length() - 1));
        }
        return version.orElseThrow(() -> new IllegalArgumentException("the schema's $schema '" + id
            + "' is not a JSON Schema draft Faucet knows; use one of " + Arrays.stream(SpecificationVersion.values())
            .map(SpecificationVersion::getDialectId).collect(Collectors.joining(", "))));
    }

    private static void requireValid(JsonNode schema, SpecificationVersion version) {
        Schema meta = META_SCHEMAS.computeIfAbsent(version.getDialectId(), id -> {
            Schema loaded = registry(version).getSchema(SchemaLocation.of(id));
            loaded.initializeValidators();
            return loaded;
        });
        List<String> problems = format(meta.validate(schema));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the schema is not a valid JSON Schema (" + version.getDialectId()
                + "): " + String.join("; ", problems));
        }
    }

    /** A registry per compile: schemas with the same $id in two pipelines must not see each other. */
    private static SchemaRegistry registry(SpecificationVersion version) {
        return SchemaRegistry.withDefaultDialect(version, builder -> builder
            .schemaRegistryConfig(CONFIG)
            .schemaLoader(loader -> loader.fetchRemoteResources(false)));
    }
}
