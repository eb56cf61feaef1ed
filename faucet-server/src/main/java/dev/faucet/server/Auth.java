package dev.faucet.server;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

/**
 * Bearer-token checks ({@link Security}). {@link #authenticate} runs before every {@code /v1} request and remembers
 * the token; each route then asks {@link #require} for what it does. Secrets are compared in constant time and never
 * logged or echoed.
 */
final class Auth {
    private static final String ATTRIBUTE = "faucet.token";
    private final Security security;
    private final Runnable refused;

    Auth(Security security, Runnable refused) {
        this.security = security;
        this.refused = refused;
    }

    void authenticate(Context ctx) {
        if (!security.tokensRequired()) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            refused.run();
            throw new ApiException(401, "unauthorized", "this server needs an API token: send Authorization: Bearer"
                    + " <token> (the CLI takes --token or FAUCET_TOKEN)", List.of(),
                    Map.of("WWW-Authenticate", "Bearer realm=\"faucet\""));
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        for (Security.ApiToken t : security.tokens()) {
            if (MessageDigest.isEqual(given, t.secret().getBytes(StandardCharsets.UTF_8))) {
                ctx.attribute(ATTRIBUTE, t);
                return;
            }
        }
        refused.run();
        throw new ApiException(401, "unauthorized", "the API token is not known to this server", List.of(),
                Map.of("WWW-Authenticate", "Bearer realm=\"faucet\", error=\"invalid_token\""));
    }

    /** Refuses with 403 unless the request's token may do {@code action} on {@code topic} (null: any topic). */
    void require(Context ctx, Security.Scope.Action action, String topic) {
        if (!security.tokensRequired()) {
            return;
        }
        Security.ApiToken token = ctx.attribute(ATTRIBUTE);
        if (token == null || !token.allows(action, topic)) {
            refused.run();
            String what = action.name().toLowerCase(java.util.Locale.ROOT) + (topic == null ? "" : " on topic '"
                    + topic + "'");
            throw new ApiException(403, "forbidden", "token '" + (token == null ? "?" : token.name()) + "' may not "
                    + what + "; its scopes are " + (token == null ? "[]" : token.scopes()));
        }
    }
}
