package dev.faucet.connect.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faucet.engine.Guarantee;
import dev.faucet.engine.Sink;
import dev.faucet.engine.ConnectorConfig;
import dev.faucet.engine.SinkProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code webhook} sink: POSTs to an HTTP endpoint. It accepts every guarantee, since its requests carry an
 * {@code Idempotency-Key} that a receiver can use to apply a repeated delivery once. {@link #check} finds at deploy
 * what would otherwise only fail once the pipeline runs: a URL that is not HTTP, an unset environment variable, a
 * header the HTTP client refuses.
 */
public final class WebhookSinkProvider implements SinkProvider {

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public List<ConnectorConfig.Problem> check(ConnectorConfig config, Guarantee guarantee) {
        List<ConnectorConfig.Problem> problems = new ArrayList<>();
        checkUrl(config, problems);
        checkVariables(config, "secret", problems);
        if ("".equals(config.raw("secret"))) {
            problems.add(problem("secret", "the secret is empty: set it, or remove it to send unsigned"
                    + " requests"));
        }
        checkHeaders(config, problems);
        atLeastOne(config, "concurrency", WebhookSettings.DEFAULT_CONCURRENCY, problems);
        atLeastOne(config, "batch", 1, problems);
        if (!config.duration("timeout", WebhookSettings.DEFAULT_TIMEOUT).isPositive()) {
            problems.add(problem("timeout", "the timeout must be longer than 0"));
        }
        return problems;
    }

    @Override
    public Sink create(ConnectorConfig config) {
        return new WebhookSink(config);
    }

    private static void checkUrl(ConnectorConfig config, List<ConnectorConfig.Problem> problems) {
        String raw = config.raw("url");
        if (raw == null) {
            problems.add(problem("url", "the webhook needs a url: the endpoint to POST to"));
            return;
        }
        int before = problems.size();
        checkVariables(config, "url", problems);
        if (problems.size() > before) {
            return;  // the URL cannot be judged without its variables
        }
        try {
            WebhookSettings.url(config.text("url"), raw);
        } catch (IllegalArgumentException e) {
            problems.add(problem("url", e.getMessage()));
        }
    }

    private static void checkVariables(ConnectorConfig config, String setting, List<ConnectorConfig.Problem> problems) {
        problems.addAll(config.unsetVariables(setting));
    }

    /** Each header as written must be sendable, and its value's variables set. */
    private static void checkHeaders(ConnectorConfig config, List<ConnectorConfig.Problem> problems) {
        JsonNode headers = config.json().path("headers");
        for (Map.Entry<String, JsonNode> h : headers.properties()) {
            try {
                WebhookSettings.checkHeader(h.getKey(), h.getValue().asText());
            } catch (IllegalArgumentException e) {
                problems.add(problem("headers." + h.getKey(), e.getMessage()));
            }
        }
        try {
            config.map("headers");
        } catch (IllegalStateException e) {
            problems.add(problem("headers", e.getMessage()));  // names the header and the variable
        }
    }

    private static void atLeastOne(ConnectorConfig config, String setting, long otherwise,
            List<ConnectorConfig.Problem> problems) {
        long n = config.number(setting, otherwise);
        if (n < 1) {
            problems.add(problem(setting, "'" + setting + "' must be at least 1, not " + n));
        }
    }

    private static ConnectorConfig.Problem problem(String setting, String message) {
        return new ConnectorConfig.Problem(setting, message);
    }
}
