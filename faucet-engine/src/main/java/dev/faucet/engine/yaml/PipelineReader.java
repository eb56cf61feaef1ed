package dev.faucet.engine.yaml;

import dev.faucet.engine.ErrorPolicy;
import dev.faucet.engine.EventTime;
import dev.faucet.engine.Guarantee;
import dev.faucet.engine.InvalidPipelineException;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineYaml;
import dev.faucet.engine.Step;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;

/**
 * Pipeline files to plans: the work behind {@link PipelineYaml}. Stateless and thread-safe; each call reads one file
 * with its own {@link NodeReader}.
 */
public final class PipelineReader {
    private PipelineReader() {
    }

    public static Pipeline parse(String text, String file, PipelineYaml.SchemaFiles files) {
        return read(text, file, files).pipeline();
    }

    public static Pipeline parse(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        return parse(text(file), file.toString(), ref -> text(dir.resolve(ref)));
    }

    /** The file with its schema files inlined, checked by parsing it as the server will (without files). */
    public static String bundle(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        String text = text(file);
        Read read = read(text, file.toString(), ref -> text(dir.resolve(ref)));
        String bundled = Bundler.inline(text, read.refs());
        read(bundled, file + " (bundled)", null);
        return bundled;
    }

    private record Read(Pipeline pipeline, List<SchemaReader.Ref> refs) {
    }

    private static Read read(String text, String file, PipelineYaml.SchemaFiles files) {
        Problems problems = new Problems(file);
        MappingNode root = YamlDocument.compose(text, problems);
        problems.throwIfAny();
        SchemaReader schemas = new SchemaReader(files);
        NodeReader reader = new NodeReader(problems, schemas);
        Object top = reader.read(root, PipelineSpec.TOP, "");
        problems.throwIfAny();
        Map<?, ?> t = Values.obj(top);
        Pipeline p = new Pipeline((String) t.get("name"), Values.list(t.get("input")),
                Guarantee.fromYaml((String) t.get("guarantee")), time(t.get("time"), reader),
                Values.items(t.get("steps")).stream().map(Step.class::cast).toList(), errors(t.get("errors"), reader),
                text, null, new Pipeline.Origin(file, reader.lines()));
        return new Read(p, schemas.refs());
    }

    private static EventTime time(Object given, NodeReader reader) {
        Map<?, ?> time = given != null ? Values.obj(given) : reader.defaults(PipelineSpec.TIME, Set.of());
        return new EventTime((String) time.get("field"), (Duration) time.get("maxOutOfOrder"));
    }

    private static ErrorPolicy errors(Object given, NodeReader reader) {
        Map<?, ?> e = given != null ? Values.obj(given) : reader.defaults(PipelineSpec.ERRORS, Set.of());
        return new ErrorPolicy((Integer) e.get("retries"), (Duration) e.get("backoff"), (Duration) e.get("maxBackoff"),
                (String) e.get("deadLetter"), ErrorPolicy.OnFailure.valueOf(enumName((String) e.get("onFailure"))));
    }

    private static String enumName(String yaml) {
        return yaml.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** A file's text: at most {@link PipelineYaml#MAX_FILE_BYTES}, and UTF-8 (a byte-order mark is dropped). */
    static String text(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(PipelineYaml.MAX_FILE_BYTES + 1);
        }
        if (bytes.length > PipelineYaml.MAX_FILE_BYTES) {
            throw new InvalidPipelineException(List.of(new InvalidPipelineException.Problem(file.toString(), 0, null,
                    "the file is over " + PipelineYaml.MAX_FILE_BYTES + " bytes (1 MiB), the limit for pipeline"
                            + " and schema files")));
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new InvalidPipelineException(List.of(new InvalidPipelineException.Problem(file.toString(), 0, null,
                    "the file is not UTF-8 text")));
        }
    }
}
