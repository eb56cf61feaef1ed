package dev.faucet.connect.webhook;

import static dev.faucet.connect.webhook.Fixtures.config;
import static dev.faucet.connect.webhook.Fixtures.context;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faucet.engine.Guarantee;
import dev.faucet.engine.Sink;
import dev.faucet.engine.ConnectorConfig;
import dev.faucet.engine.SinkException;
import dev.faucet.engine.SinkProvider;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** What deploy is told about a webhook's settings before anything runs. */
class WebhookSinkProviderTest {
    private final WebhookSinkProvider provider = new WebhookSinkProvider();

    @Test
    void shouldBeFoundAsTheWebhookSinkType() {
        assertThat(ServiceLoader.load(SinkProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(WebhookSinkProvider.class);
        assertThat(provider.type()).isEqualTo("webhook");
    }

    @Test
    void shouldAcceptUsableSettingsWithAnyGuarantee() {
        ConnectorConfig settings = config("{\"url\": \"https://hooks.example.com/orders?v=${V}\", \"secret\": \"${S}\","
                + " \"headers\": {\"Authorization\": \"Bearer ${T}\"}, \"concurrency\": 1, \"batch\": 50}",
                Map.of("V", "2", "S", "s3cret", "T", "token"));

        for (Guarantee g : Guarantee.values()) {
            assertThat(provider.check(settings, g)).as(g.yamlName()).isEmpty();
        }
        assertThat(provider.create(settings).capabilities()).containsExactly(Sink.Capability.IDEMPOTENT);
    }

    @Test
    void shouldSayWhatIsWrongWithTheUrl() {
        assertThat(check("{\"url\": \"ftp://x\"}"))
                .containsExactly(problem("url", "'ftp://x' is not an http:// or https:// URL"));
        assertThat(check("{\"url\": \"/hook\"}"))
                .containsExactly(problem("url", "'/hook' is not an http:// or https:// URL"));
        assertThat(check("{\"url\": \"http:///hook\"}"))
                .containsExactly(problem("url", "'http:///hook' has no host: write it as http://host[:port]/path"));
        assertThat(check("{\"url\": \"http://host/a b\"}")).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("'http://host/a b' is not a URL: Illegal"));
    }

    @Test
    void shouldNameTheSettingAndTheVariableThatIsNotSet() {
        assertThat(check("{\"url\": \"http://127.0.0.1/hook\", \"secret\": \"${HOOK_SECRET}\"}"))
                .containsExactly(problem("secret", "'secret' refers to the environment variable HOOK_SECRET,"
                        + " which is not set"));
        assertThat(check("{\"url\": \"${HOOK_URL}/orders\"}"))
                .containsExactly(problem("url", "'url' refers to the environment variable HOOK_URL, which is"
                        + " not set"));
        assertThat(check("{\"url\": \"http://127.0.0.1/hook\", \"headers\": {\"Authorization\": \"Bearer ${T}\"}}"))
                .singleElement().satisfies(p -> {
                    assertThat(p.setting()).isEqualTo("headers");
                    assertThat(p.message()).contains("'headers.Authorization'").contains("variable T,");
                });
    }

    @Test
    void shouldRefuseHeadersTheClientSetsAndCountsBelowOne() {
        assertThat(check("{\"url\": \"http://127.0.0.1/hook\", \"headers\": {\"Host\": \"example.com\"}}"))
                .singleElement().satisfies(p -> {
                    assertThat(p.setting()).isEqualTo("headers.Host");
                    assertThat(p.message()).startsWith("the header 'Host' cannot be sent");
                });
        assertThat(check("{\"url\": \"http://127.0.0.1/hook\", \"concurrency\": 0, \"batch\": 0}")).containsExactly(
                problem("concurrency", "'concurrency' must be at least 1, not 0"),
                problem("batch", "'batch' must be at least 1, not 0"));
    }

    @Test
    void shouldNotOpenWithAVariableUnsetSinceDeploy() {
        ConnectorConfig settings = config("{\"url\": \"http://127.0.0.1/hook\", \"secret\": \"${GONE}\"}");

        try (Sink sink = provider.create(settings)) {
            assertThatThrownBy(() -> sink.open(context(settings)))
                    .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("'secret'").hasMessageContaining("GONE");
        }
    }

    private static ConnectorConfig.Problem problem(String setting, String message) {
        return new ConnectorConfig.Problem(setting, message);
    }

    private List<ConnectorConfig.Problem> check(String json) {
        return provider.check(config(json), Guarantee.AT_LEAST_ONCE);
    }
}
