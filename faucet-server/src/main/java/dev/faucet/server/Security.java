package dev.faucet.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who may do what, and TLS. With no tokens every request is allowed, which the server permits only while it binds a
 * loopback address. With tokens, every {@code /v1} request needs {@code Authorization: Bearer <secret>} of a token
 * whose scopes allow it (401 without a known token, 403 when its scopes do not allow the call); {@code /health} stays
 * open for supervisors. Secrets never appear in {@link #toString()} or in logs.
 *
 * @param tls null for plain HTTP
 */
public record Security(List<ApiToken> tokens, Tls tls) {
    public static final Security NONE = new Security(List.of(), null);

    public Security {
        tokens = List.copyOf(tokens);
    }

    public boolean tokensRequired() {
        return !tokens.isEmpty();
    }

    /** A PKCS12 keystore holding the server's key and certificate. */
    public record Tls(Path keystore, String password) {
        @Override
        public String toString() {
            return "Tls[keystore=" + keystore + ", password=***]";
        }
    }

    /** A named bearer token; {@code secret} is what clients send. */
    public record ApiToken(String name, String secret, List<Scope> scopes) {
        public ApiToken {
            scopes = List.copyOf(scopes);
            if (secret == null || secret.length() < 16) {
                throw new IllegalArgumentException("tokens." + name + ".secret: use at least 16 characters");
            }
        }

        public boolean allows(Scope.Action action, String topic) {
            return scopes.stream().anyMatch(s -> s.allows(action, topic));
        }

        @Override
        public String toString() {
            return "ApiToken[name=" + name + ", secret=***, scopes=" + scopes + "]";
        }
    }

    /**
     * What a token may do: {@code admin} (everything: topics, and any produce or consume), {@code produce:PATTERN},
     * {@code consume:PATTERN}, where the pattern is a topic name with {@code *} for any characters.
     */
    public record Scope(Action action, String pattern) {
        /** The kinds of call. */
        public enum Action { ADMIN, PRODUCE, CONSUME }

        public static Scope parse(String text) {
            String t = text.trim();
            if (t.equals("admin")) {
                return new Scope(Action.ADMIN, "*");
            }
            int colon = t.indexOf(':');
            if (colon > 0) {
                String action = t.substring(0, colon).toLowerCase(Locale.ROOT);
                String pattern = t.substring(colon + 1);
                if (!pattern.isEmpty() && (action.equals("produce") || action.equals("consume"))) {
                    return new Scope(action.equals("produce") ? Action.PRODUCE : Action.CONSUME, pattern);
                }
            }
            throw new IllegalArgumentException("scope '" + text + "' is not a scope; use admin, produce:TOPICS or"
                    + " consume:TOPICS (TOPICS a name, * for any characters, e.g. orders-*)");
        }

        boolean allows(Action wanted, String topic) {
            if (action == Action.ADMIN) {
                return true;
            }
            return action == wanted && topic != null && matches(pattern, topic);
        }

        static boolean matches(String pattern, String topic) {
            String[] parts = pattern.split("\\*", -1);
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                regex.append(i > 0 ? ".*" : "").append(Pattern.quote(parts[i]));
            }
            return Pattern.matches(regex.toString(), topic);
        }

        @Override
        public String toString() {
            return action == Action.ADMIN ? "admin" : action.name().toLowerCase(Locale.ROOT) + ":" + pattern;
        }
    }
}
