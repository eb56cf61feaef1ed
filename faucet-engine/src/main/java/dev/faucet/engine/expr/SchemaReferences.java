package dev.faucet.engine.expr;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Refuses schemas that refer outside themselves. A {@code $ref} (or {@code $dynamicRef}, {@code $recursiveRef})
 * must point into the schema document: a fragment ({@code #/$defs/price}), or a URI that some {@code $id} in the
 * document names. Faucet never loads schemas over the network or from files. References to the JSON Schema
 * meta-schemas on json-schema.org are allowed: the validator ships them and never fetches them.
 */
final class SchemaReferences {

    private static final Set<String> REFERENCE_KEYWORDS = Set.of("$ref", "$dynamicRef", "$recursiveRef");
    /** Keywords whose values are data, not subschemas: a "$ref" inside them is not a reference. */
    private static final Set<String> DATA_KEYWORDS = Set.of("const", "enum", "examples", "default");
    /** Keywords whose values map names to subschemas: a property named "default" is a schema there. */
    private static final Set<String> NAMED_SCHEMAS =
        Set.of("properties", "patternProperties", "$defs", "definitions", "dependentSchemas");

    private final Set<URI> documentIds = new HashSet<>();

    private SchemaReferences() {
    }

    /** {@link IllegalArgumentException} naming the first reference that points outside the schema. */
    static void requireLocal(JsonNode schema) {
        SchemaReferences references = new SchemaReferences();
        references.collectIds(schema, null);
        references.check(schema, null);
    }

    private void collectIds(JsonNode node, URI base) {
        URI here = withId(node, base);
        if (here != null && node.has("$id")) {
            documentIds.add(withoutFragment(here));
        }
        children(node, child -> collectIds(child, here));
    }

    private void check(JsonNode node, URI base) {
        URI here = withId(node, base);
        if (node.isObject()) {
            for (String keyword : REFERENCE_KEYWORDS) {
                JsonNode ref = node.get(keyword);
                if (ref != null && ref.isTextual()) {
                    requireLocal(keyword, ref.textValue(), here);
                }
            }
        }
        children(node, child -> check(child, here));
    }

    private void requireLocal(String keyword, String ref, URI base) {
        URI target;
        try {
            target = base == null ? new URI(ref) : base.resolve(new URI(ref));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the schema's " + keyword + " '" + ref + "' is not a valid URI", e);
        }
        boolean local = target.getScheme() == null ? ref.startsWith("#")
            : documentIds.contains(withoutFragment(target)) || "json-schema.org".equals(target.getHost());
        if (!local) {
            throw new IllegalArgumentException("the schema's " + keyword + " '" + ref + "' points outside the schema;"
                + " Faucet does not load schemas from URLs or files: put the definition under $defs and refer to it"
                + " as '#/$defs/NAME'");
        }
    }

    private static URI withId(JsonNode node, URI base) {
        JsonNode id = node.isObject() ? node.get("$id") : null;
        if (id == null || !id.isTextual()) {
            return base;
        }
        try {
            URI uri = new URI(id.textValue());
            return base == null ? uri : base.resolve(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the schema's $id '" + id.textValue() + "' is not a valid URI", e);
        }
    }

    private static URI withoutFragment(URI uri) {
        try {
            return new URI(uri.getScheme(), uri.getSchemeSpecificPart(), null);
        } catch (URISyntaxException e) {
            return uri;
        }
    }

    private static void children(JsonNode node, Consumer<JsonNode> visit) {
        if (node.isArray()) {
            node.forEach(visit);
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (NAMED_SCHEMAS.contains(field.getKey()) && field.getValue().isObject()) {
                    field.getValue().forEach(visit);
                } else if (!DATA_KEYWORDS.contains(field.getKey())) {
                    visit.accept(field.getValue());
                }
            }
        }
    }
}
