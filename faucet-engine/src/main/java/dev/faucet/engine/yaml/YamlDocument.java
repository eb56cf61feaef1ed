package dev.faucet.engine.yaml;

import dev.faucet.engine.PipelineYaml;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A pipeline file's text as one YAML mapping, with the YAML-level refusals done first, on the event stream, before
 * any node is built: size and nesting limits, one document only, no anchors or aliases (which also stops alias
 * bombs), no explicit tags. Duplicate keys are found later, by {@link NodeReader}, with both lines.
 */
final class YamlDocument {
    /** The deepest nesting of lists and mappings a pipeline file may have (inline schemas included). */
    static final int MAX_DEPTH = 64;

    private YamlDocument() {
    }

    /** The file's root mapping, or null after reporting why there is none. */
    static MappingNode compose(String text, Problems problems) {
        int bytes = text.length() > PipelineYaml.MAX_FILE_BYTES ? text.length()
                : text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > PipelineYaml.MAX_FILE_BYTES) {
            problems.add(0, null, "the file is " + bytes + " bytes or more; a pipeline file may have at most "
                    + PipelineYaml.MAX_FILE_BYTES + " (1 MiB)");
            return null;
        }
        if (!checkEvents(text, problems)) {
            return null;
        }
        Node root = yaml().compose(new StringReader(text));
        if (root == null || root instanceof ScalarNode s && s.getValue().isEmpty()) {
            problems.add(0, null, "the file is empty: a pipeline file is a"
                    + " mapping with at least name, input and steps");
            return null;
        }
        if (!(root instanceof MappingNode m)) {
            problems.add(NodeReader.line(root), null, "a pipeline file is a mapping with at least name, input and"
                    + " steps, not " + NodeReader.kindOf(root));
            return null;
        }
        return m;
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(2 * PipelineYaml.MAX_FILE_BYTES);
        options.setNestingDepthLimit(MAX_DEPTH + 2);
        options.setMaxAliasesForCollections(0);
        return new Yaml(options);
    }

    /** Walks the events; true when the text is well-formed YAML of the kind a pipeline file may use. */
    private static boolean checkEvents(String text, Problems problems) {
        int before = problems.count();
        int depth = 0;
        int documents = 0;
        try {
            for (Event e : yaml().parse(new StringReader(text))) {
                int line = line(e.getStartMark());
                if (e instanceof DocumentStartEvent && ++documents == 2) {
                    problems.add(line, null, "a second YAML document starts here: a pipeline file holds one"
                            + " pipeline; put each in its own file");
                }
                if (e instanceof AliasEvent || e instanceof NodeEvent n && n.getAnchor() != null) {
                    problems.add(line, null, "anchors and aliases are not allowed in pipeline files");
                }
                String tag = e instanceof ScalarEvent s ? s.getTag()
                        : e instanceof CollectionStartEvent c ? c.getTag() : null;
                if (tag != null) {
                    problems.add(line, null, "YAML tags (" + shortTag(tag) + ") are not allowed in pipeline files:"
                            + " write plain values, quoted when they are text");
                }
                depth += e instanceof CollectionStartEvent ? 1 : e instanceof CollectionEndEvent ? -1 : 0;
                if (depth > MAX_DEPTH) {
                    problems.add(line, null, "nested more than " + MAX_DEPTH + " levels deep");
                    break;
                }
            }
        } catch (MarkedYAMLException e) {
            problems.add(line(e.getProblemMark()), null, "not valid YAML: " + e.getProblem()
                    + (e.getContext() == null ? "" : " (" + e.getContext() + ")"));
        } catch (YAMLException e) {
            problems.add(0, null, "not valid YAML: " + e.getMessage());
        }
        return problems.count() == before;
    }

    private static String shortTag(String tag) {
        return tag.startsWith("tag:yaml.org,2002:") ? "!!" + tag.substring("tag:yaml.org,2002:".length()) : tag;
    }

    private static int line(Mark mark) {
        return mark == null ? 0 : mark.getLine() + 1;
    }
}
