package dev.faucet.engine.yaml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.InvalidPipelineException;
import dev.faucet.engine.PipelineYaml;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a {@code validate} step's {@code schema}: a file path, read through {@link PipelineYaml.SchemaFiles} (refused
 * when there is none), or a schema written inline in YAML. Either way the step gets the schema as compact JSON.
 * Remembers each file it read with the node that named it, so that {@link Bundler} can inline it.
 */
final class SchemaReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> TRUE = Set.of("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON");

    private final PipelineYaml.SchemaFiles files;
    private final List<Ref> refs = new ArrayList<>();

    SchemaReader(PipelineYaml.SchemaFiles files) {
        this.files = files;
    }

    /** A schema file named in the pipeline file: the scalar that names it and the schema read. */
    record Ref(ScalarNode node, JsonNode schema) {
    }

    List<Ref> refs() {
        return refs;
    }

    Object read(Node node, String path, NodeReader reader) {
        if (node instanceof MappingNode) {
            JsonNode schema = json(node, path, reader);
            return schema == null ? NodeReader.INVALID : new SchemaValue(Json.line(schema), null);
        }
        String ref = reader.string(node, new Shape.Schema(), path);
        if (ref == null) {
            return NodeReader.INVALID;
        }
        ScalarNode scalar = (ScalarNode) node;
        if (ref.isBlank() || ref.contains("\n")
                || scalar.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL
                || scalar.getScalarStyle() == DumperOptions.ScalarStyle.FOLDED) {
            reader.problem(node, path, "write the schema file's path on one line, after 'schema:'");
            return NodeReader.INVALID;
        }
        JsonNode schema = file(scalar, ref, path, reader);
        if (schema == null) {
            return NodeReader.INVALID;
        }
        refs.add(new Ref(scalar, schema));
        return new SchemaValue(Json.line(schema), ref);
    }

    private JsonNode file(Node node, String ref, String path, NodeReader reader) {
        if (files == null) {
            reader.problem(node, path, "'" + ref + "' is a schema file, which a pipeline given as text cannot"
                    + " reach: inline the schema, or deploy the file with `faucet pipeline deploy`, which bundles it");
            return null;
        }
        try {
            JsonNode schema = Json.parse(files.read(ref));
            if (schema == null || !schema.isObject()) {
                reader.problem(node, path, "schema file '" + ref + "' does not hold a JSON object");
                return null;
            }
            return schema;
        } catch (NoSuchFileException e) {
            reader.problem(node, path, "schema file '" + ref + "' does not exist");
        } catch (JsonProcessingException e) {
            reader.problem(node, path, "schema file '" + ref + "' is not JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (its line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            reader.problem(node, path, "cannot read schema file '" + ref + "': " + e.getMessage());
        } catch (InvalidPipelineException e) {
            reader.problem(node, path, "schema file '" + ref + "': " + e.problems().get(0).message());
        }
        return null;
    }

    /** The JSON value of a YAML node, or null after reporting what JSON cannot hold. */
    private JsonNode json(Node node, String path, NodeReader reader) {
        if (node instanceof MappingNode m) {
            ObjectNode out = NODES.objectNode();
            boolean valid = true;
            for (NodeReader.Entry e : reader.entries(m, path)) {
                JsonNode v = json(e.value(), NodeReader.child(path, e.key()), reader);
                valid &= v != null;
                out.set(e.key(), v);
            }
            return valid && m.getValue().size() == out.size() ? out : null;
        }
        if (node instanceof SequenceNode s) {
            ArrayNode out = NODES.arrayNode();
            boolean valid = true;
            for (int i = 0; i < s.getValue().size(); i++) {
                JsonNode v = json(s.getValue().get(i), path + "[" + i + "]", reader);
                valid &= v != null;
                out.add(v);
            }
            return valid ? out : null;
        }
        return scalar((ScalarNode) node, path, reader);
    }

    private static JsonNode scalar(ScalarNode s, String path, NodeReader reader) {
        String v = s.getValue();
        Tag tag = s.getTag();
        if (Tag.NULL.equals(tag)) {
            return NODES.nullNode();
        }
        if (Tag.BOOL.equals(tag)) {
            return NODES.booleanNode(TRUE.contains(v));
        }
        String digits = v.replace("_", "");
        if (Tag.INT.equals(tag) && digits.matches("[-+]?(0|[1-9][0-9]*)")) {
            return NODES.numberNode(new BigInteger(digits));
        }
        if (Tag.FLOAT.equals(tag) && digits.matches("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
            return NODES.numberNode(new BigDecimal(digits));
        }
        if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
            reader.problem(s, path, v + " is not a JSON number: write numbers in decimal, or quote the text");
            return null;
        }
        return NODES.textNode(v);
    }
}
