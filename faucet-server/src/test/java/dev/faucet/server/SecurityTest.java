package dev.faucet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityTest {
    private static final String ADMIN = "admin-secret-0123456789";
    private static final String PRODUCER = "producer-secret-0123456789";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private FaucetServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Security tokens(Security.Tls tls) {
        return new Security(List.of(
                new Security.ApiToken("ops", ADMIN, List.of(Security.Scope.parse("admin"))),
                new Security.ApiToken("shop", PRODUCER, List.of(Security.Scope.parse("produce:orders-*"),
                        Security.Scope.parse("consume:orders-eu")))), tls);
    }

    private static HttpResponse<String> call(HttpClient client, URI base, String method, String path, String token,
            String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withTokensEveryApiCallNeedsAKnownToken() throws Exception {
        server = FaucetServer.start(ServerConfig.of(dir).withPort(0).withSecurity(tokens(null)));
        URI base = server.uri();

        HttpResponse<String> none = call(CLIENT, base, "GET", "/v1/topics", null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer"));
        assertThat(none.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(call(CLIENT, base, "GET", "/v1/topics", "wrong-secret-0123456789", null).statusCode())
                .isEqualTo(401);
        assertThat(call(CLIENT, base, "GET", "/v1/topics", ADMIN, null).statusCode()).isEqualTo(200);
        assertThat(call(CLIENT, base, "GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void pipelinesNeedTheAdminScopeForEveryCallReadsIncluded() throws Exception {
        server = FaucetServer.start(ServerConfig.of(dir).withPort(0).withSecurity(tokens(null)));
        URI base = server.uri();
        String[][] calls = {{"GET", "/v1/pipelines"}, {"POST", "/v1/pipelines"}, {"GET", "/v1/pipelines/p"},
            {"GET", "/v1/pipelines/p/definition"}, {"POST", "/v1/pipelines/p/pause"},
            {"POST", "/v1/pipelines/p/resume"}, {"DELETE", "/v1/pipelines/p"}};

        for (String[] c : calls) {
            assertThat(call(CLIENT, base, c[0], c[1], null, "").statusCode()).as("%s %s", c[0], c[1]).isEqualTo(401);
            assertThat(call(CLIENT, base, c[0], c[1], PRODUCER, "").statusCode()).as("%s %s", c[0], c[1])
                    .isEqualTo(403);
            assertThat(call(CLIENT, base, c[0], c[1], ADMIN, "").statusCode()).as("%s %s", c[0], c[1])
                    .isNotIn(401, 403);
        }
    }

    @Test
    void scopesAllowProduceAndConsumePerTopicPatternAndAdminForTopics() throws Exception {
        server = FaucetServer.start(ServerConfig.of(dir).withPort(0).withSecurity(tokens(null)));
        URI base = server.uri();
        assertThat(call(CLIENT, base, "POST", "/v1/topics", PRODUCER, "{\"name\":\"orders-eu\"}").statusCode())
                .isEqualTo(403);
        assertThat(call(CLIENT, base, "POST", "/v1/topics", ADMIN, "{\"name\":\"orders-eu\"}").statusCode())
                .isEqualTo(201);
        assertThat(call(CLIENT, base, "POST", "/v1/topics", ADMIN, "{\"name\":\"payments\"}").statusCode())
                .isEqualTo(201);

        assertThat(call(CLIENT, base, "POST", "/v1/topics/orders-eu/records", PRODUCER, "{\"a\":1}").statusCode())
                .isEqualTo(200);
        HttpResponse<String> forbidden = call(CLIENT, base, "POST", "/v1/topics/payments/records", PRODUCER, "1");
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.body()).contains("forbidden", "shop", "payments").doesNotContain(PRODUCER);
        assertThat(call(CLIENT, base, "GET", "/v1/topics/orders-eu/records", PRODUCER, null).statusCode())
                .isEqualTo(200);
        assertThat(call(CLIENT, base, "GET", "/v1/topics/payments/records", PRODUCER, null).statusCode())
                .isEqualTo(403);
        assertThat(call(CLIENT, base, "DELETE", "/v1/topics/payments", PRODUCER, null).statusCode()).isEqualTo(403);
    }

    @Test
    void bindingAnotherAddressThanLoopbackRequiresTokens() {
        assertThatThrownBy(() -> ServerConfig.of(dir).withBind("0.0.0.0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokens are required");
        assertThat(ServerConfig.of(dir).withSecurity(tokens(null)).withBind("0.0.0.0").bind()).isEqualTo("0.0.0.0");
    }

    @Test
    void secretsNeverAppearInTheSettingsText() {
        ServerConfig config = ServerConfig.of(dir).withSecurity(tokens(new Security.Tls(dir.resolve("k.p12"),
                "store-password")));
        assertThat(config.toString()).doesNotContain(ADMIN, PRODUCER, "store-password").contains("***");
    }

    @Test
    void withTlsTheApiIsServedOverHttpsFromAPkcs12Keystore() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "faucet", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", "tls-password-1", "-keypass", "tls-password-1")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        assertThat(Files.exists(keystore)).isTrue();

        server = FaucetServer.start(ServerConfig.of(dir.resolve("data")).withPort(0)
                .withSecurity(new Security(List.of(), new Security.Tls(keystore, "tls-password-1"))));
        URI https = URI.create("https://127.0.0.1:" + server.port());
        HttpClient trusting = HttpClient.newBuilder().sslContext(trustAll()).connectTimeout(Duration.ofSeconds(5))
                .build();

        assertThat(call(trusting, https, "POST", "/v1/topics", null, "{\"name\":\"secure\"}").statusCode())
                .isEqualTo(201);
        assertThatThrownBy(() -> call(CLIENT, URI.create("http://127.0.0.1:" + server.port()), "GET", "/v1/topics",
                null, null)).isInstanceOf(IOException.class);
    }

    private static SSLContext trustAll() throws Exception {
        TrustManager[] trust = {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }};
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trust, new SecureRandom());
        return ssl;
    }
}
