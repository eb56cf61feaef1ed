package dev.faucet.engine.yaml;

import java.util.Comparator;
import java.util.List;

/**
 * Inlines schema files into a pipeline file's text: each {@code schema: path} scalar is replaced, in place, by the
 * schema as one line of JSON (which is also YAML). Nothing else changes: comments, layout and the line of every
 * other field stay as written, so problems found on the server name the lines of the user's own file.
 */
final class Bundler {
    private Bundler() {
    }

    static String inline(String text, List<SchemaReader.Ref> refs) {
        StringBuilder out = new StringBuilder(text);
        List<SchemaReader.Ref> lastFirst = refs.stream()
                .sorted(Comparator.comparingInt((SchemaReader.Ref r) -> r.node().getStartMark().getIndex()).reversed())
                .toList();
        for (SchemaReader.Ref r : lastFirst) {
            int start = text.offsetByCodePoints(0, r.node().getStartMark().getIndex());
            int end = text.offsetByCodePoints(0, r.node().getEndMark().getIndex());
            out.replace(start, end, Json.line(r.schema()));
        }
        return out.toString();
    }
}
