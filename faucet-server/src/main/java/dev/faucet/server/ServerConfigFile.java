package dev.faucet.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.faucet.engine.IdempotencySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads the server's YAML settings ({@code faucet server --config FILE}) onto a {@link ServerConfig}. Every key is
 * known (an unknown one is refused with "did you mean"), every size and duration has an explicit unit, duplicate keys
 * and alias bombs are refused, {@code ${NAME}} takes an environment variable (a missing one is an error), and paths
 * are relative to the file's directory. The example in docs/http-api.md lists every key with its default.
 */
public final class ServerConfigFile {
    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Set<String> TOP = Set.of("limits", "backlog", "idempotency", "tokens", "tls", "sources");
    private static final Set<String> SOURCE = Set.of("name", "to", "kafka");
    private static final Set<String> LIMITS = Set.of("maxBody", "maxRecord", "maxHeader", "idleTimeout",
            "maxConnections", "maxJsonDepth", "maxInFlight", "minFreeDisk", "minDataRate");
    private static final Set<String> BACKLOG = Set.of("maxRecords", "maxBytes", "policy", "waitTimeout", "retryAfter");
    private static final Set<String> IDEMPOTENCY = Set.of("window", "maxKeys");
    private static final Set<String> TOKEN = Set.of("name", "secret", "scopes");
    private static final Set<String> TLS = Set.of("keystore", "password");

    private final Path file;
    private final UnaryOperator<String> env;

    private ServerConfigFile(Path file, UnaryOperator<String> env) {
        this.file = file;
        this.env = env;
    }

    /** Applies the file to {@code base}; {@code env} looks up environment variables. */
    public static ServerConfig apply(Path file, ServerConfig base, UnaryOperator<String> env) {
        return new ServerConfigFile(file, env).read(base);
    }

    private ServerConfig read(ServerConfig base) {
        JsonNode root = parse();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return base;
        }
        object(root, "", TOP);
        try {
            return base.withLimits(limits(root.path("limits"), base.limits()))
                    .withBacklog(backlog(root.path("backlog"), base.backlog()))
                    .withIdempotency(idempotency(root.path("idempotency"), base.idempotency()))
                    .withSecurity(new Security(tokens(root.path("tokens")), tls(root.path("tls"))))
                    .withSources(sources(root.path("sources")));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(file.toString()) ? e : fail(e.getMessage());
        }
    }

    private JsonNode parse() {
        if (!Files.isRegularFile(file)) {
            throw fail(Files.isDirectory(file) ? "is a directory, not a file" : "does not exist or is not readable");
        }
        LoaderOptions loader = new LoaderOptions();
        loader.setAllowDuplicateKeys(false);
        loader.setMaxAliasesForCollections(20);
        loader.setCodePointLimit(1 << 20);
        YAMLMapper yaml = new YAMLMapper(YAMLFactory.builder().loaderOptions(loader)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
        try {
            return yaml.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw fail("is not valid YAML" + where + ": " + e.getOriginalMessage().replaceAll("\\s+", " "));
        } catch (IOException e) {
            throw fail("cannot be read: " + e.getMessage());
        }
    }

    private Limits limits(JsonNode n, Limits d) {
        if (n.isMissingNode()) {
            return d;
        }
        object(n, "limits", LIMITS);
        return new Limits(size(n, "limits.maxBody", d.maxBodyBytes()),
                (int) Math.min(Integer.MAX_VALUE, size(n, "limits.maxRecord", d.maxRecordBytes())),
                (int) Math.min(Integer.MAX_VALUE, size(n, "limits.maxHeader", d.maxHeaderBytes())),
                duration(n, "limits.idleTimeout", d.idleTimeout()),
                (int) number(n, "limits.maxConnections", d.maxConnections()),
                (int) number(n, "limits.maxJsonDepth", d.maxJsonDepth()),
                size(n, "limits.maxInFlight", d.maxInFlightBytes()),
                size(n, "limits.minFreeDisk", d.minFreeDiskBytes()),
                size(n, "limits.minDataRate", d.minDataRate()));
    }

    private Backlog backlog(JsonNode n, Backlog d) {
        if (n.isMissingNode()) {
            return d;
        }
        object(n, "backlog", BACKLOG);
        String policy = text(n, "backlog.policy", null);
        return new Backlog(number(n, "backlog.maxRecords", d.maxRecords()), size(n, "backlog.maxBytes", d.maxBytes()),
                policy == null ? d.policy() : Backlog.Policy.parse(policy),
                duration(n, "backlog.waitTimeout", d.waitTimeout()), duration(n, "backlog.retryAfter", d.retryAfter()));
    }

    private IdempotencySettings idempotency(JsonNode n, IdempotencySettings d) {
        if (n.isMissingNode()) {
            return d;
        }
        object(n, "idempotency", IDEMPOTENCY);
        return new IdempotencySettings(duration(n, "idempotency.window", d.window()),
                (int) number(n, "idempotency.maxKeys", d.maxKeys()));
    }

    /** {@code sources: [{name, to, kafka: {bootstrap, topic, …}}]}; the connector checks its settings at start. */
    private List<SourceDefinition> sources(JsonNode n) {
        if (n.isMissingNode()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw fail("sources: expected a list of {name, to, kafka: {…}}");
        }
        List<SourceDefinition> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            String where = "sources[" + i + "]";
            JsonNode s = n.get(i);
            object(s, where, SOURCE);
            String name = text(s, where + ".name", null);
            String to = text(s, where + ".to", null);
            if (name == null || to == null) {
                throw fail(where + ": a source needs 'name' (which keys its positions) and 'to' (the topic it fills)");
            }
            if (!(s.get("kafka") instanceof com.fasterxml.jackson.databind.node.ObjectNode settings)) {
                throw fail(where + ": a source needs its type and settings: kafka: {bootstrap, topic}");
            }
            out.add(new SourceDefinition(name, "kafka", settings, to));
        }
        return out;
    }

    private List<Security.ApiToken> tokens(JsonNode n) {
        if (n.isMissingNode()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw fail("tokens: expected a list of {name, secret, scopes}");
        }
        List<Security.ApiToken> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode t = n.get(i);
            String where = "tokens[" + i + "]";
            object(t, where, TOKEN);
            String name = text(t, where + ".name", null);
            String secret = text(t, where + ".secret", null);
            if (name == null || secret == null || !t.path("scopes").isArray()) {
                throw fail(where + ": a token needs name, secret and scopes (a list)");
            }
            List<Security.Scope> scopes = new ArrayList<>();
            for (JsonNode s : t.path("scopes")) {
                scopes.add(Security.Scope.parse(s.asText()));
            }
            out.add(new Security.ApiToken(name, secret, scopes));
        }
        return out;
    }

    private Security.Tls tls(JsonNode n) {
        if (n.isMissingNode()) {
            return null;
        }
        object(n, "tls", TLS);
        String keystore = text(n, "tls.keystore", null);
        if (keystore == null) {
            throw fail("tls.keystore: the PKCS12 keystore file is required with tls");
        }
        Path path = resolve(keystore);
        if (!Files.isReadable(path)) {
            throw fail("tls.keystore: " + path + " does not exist or is not readable");
        }
        return new Security.Tls(path, text(n, "tls.password", ""));
    }

    private Path resolve(String path) {
        Path p = Path.of(path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path);
        Path dir = file.toAbsolutePath().getParent();
        return p.isAbsolute() || dir == null ? p : dir.resolve(p);
    }

    // ---- values ----

    private void object(JsonNode n, String where, Set<String> keys) {
        if (!n.isObject()) {
            throw fail((where.isEmpty() ? "the file" : where) + ": expected a mapping of " + String.join(", ",
                    keys.stream().sorted().toList()));
        }
        for (Map.Entry<String, JsonNode> field : n.properties()) {
            String key = field.getKey();
            if (!keys.contains(key)) {
                String prefix = where.isEmpty() ? "" : where + ".";
                String suggestion = closest(key, keys);
                throw fail(prefix + key + ": unknown setting" + (suggestion == null ? "" : "; did you mean "
                        + prefix + suggestion + "?") + " (known: " + String.join(", ", keys.stream().sorted().toList())
                        + ")");
            }
        }
    }

    private String text(JsonNode parent, String path, String dflt) {
        JsonNode n = parent.get(leaf(path));
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isValueNode() || n.isBoolean()) {
            throw fail(path + ": expected text, got " + n);
        }
        return substitute(n.asText(), path);
    }

    private long size(JsonNode parent, String path, long dflt) {
        String t = text(parent, path, null);
        if (t == null) {
            return dflt;
        }
        try {
            return Units.bytes(t);
        } catch (IllegalArgumentException e) {
            throw fail(path + ": " + e.getMessage());
        }
    }

    private Duration duration(JsonNode parent, String path, Duration dflt) {
        String t = text(parent, path, null);
        if (t == null) {
            return dflt;
        }
        try {
            return Units.duration(t);
        } catch (IllegalArgumentException e) {
            throw fail(path + ": " + e.getMessage());
        }
    }

    private long number(JsonNode parent, String path, long dflt) {
        JsonNode n = parent.get(leaf(path));
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw fail(path + ": expected a whole number, got " + n);
        }
        return n.asLong();
    }

    private String substitute(String value, String path) {
        Matcher m = ENV.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = env.apply(m.group(1));
            if (v == null) {
                throw fail(path + ": environment variable " + m.group(1) + " is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    private IllegalArgumentException fail(String message) {
        return new IllegalArgumentException(file + ": " + message);
    }

    /** The known key within edit distance 3 of {@code key}, or null. */
    static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = 4;
        for (String k : known) {
            String a = key.toLowerCase(java.util.Locale.ROOT);
            String b = k.toLowerCase(java.util.Locale.ROOT);
            int d = a.startsWith(b) || b.startsWith(a) ? 1 : distance(a, b);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
