package dev.faucet.engine.expr;

import static dev.faucet.engine.expr.ExpressionTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SchemaCheckTest {

    private static final String ORDER_SCHEMA = """
        {"type": "object", "required": ["id"],
         "properties": {"id": {"type": "string"}, "amount": {"type": "number", "minimum": 0},
                        "tags": {"type": "array", "items": {"type": "string"}}},
         "additionalProperties": false}
        """;

    @Test
    void shouldFindNothingWrongWithAValidValue() {
        SchemaCheck check = SchemaCheck.compile(ORDER_SCHEMA);

        assertThat(check.violations(json("{\"id\": \"o-1\", \"amount\": 3, \"tags\": [\"a\"]}"))).isEmpty();
    }

    @Test
    void shouldListEveryViolationAsPointerAndMessageInPointerOrder() {
        SchemaCheck check = SchemaCheck.compile(ORDER_SCHEMA);

        List<String> violations = check.violations(json("{\"amount\": -1, \"tags\": [1, \"x\"], \"extra\": true}"));

        assertThat(violations).containsExactly(
            "/: property 'extra' is not defined in the schema and the schema does not allow additional properties",
            "/: required property 'id' not found",
            "/amount: must have a minimum value of 0",
            "/tags/0: integer found, string expected");
        assertThat(check.violations(json("{\"amount\": -1, \"tags\": [1, \"x\"], \"extra\": true}")))
            .isEqualTo(violations);
    }

    @Test
    void shouldUseDraft202012ByDefault() {
        assertThatThrownBy(() -> SchemaCheck.compile("{\"items\": [{\"type\": \"string\"}]}"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("the schema is not a valid JSON Schema (https://json-schema.org/draft/2020-12/schema)")
            .hasMessageContaining("/items");
        assertThat(SchemaCheck.compile("{\"prefixItems\": [{\"type\": \"string\"}]}").violations(json("[1]")))
            .containsExactly("/0: integer found, string expected");
    }

    @Test
    void shouldHonourTheSchemasDraft() {
        SchemaCheck draft7 = SchemaCheck.compile(
            "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"items\": [{\"type\": \"string\"}]}");

        assertThat(draft7.violations(json("[1]"))).containsExactly("/0: integer found, string expected");
    }

    @Test
    void shouldRefuseADraftItDoesNotKnow() {
        assertThatThrownBy(() -> SchemaCheck.compile("{\"$schema\": \"https://example.com/my-meta\"}"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("the schema's $schema 'https://example.com/my-meta' is not a JSON Schema draft")
            .hasMessageContaining("https://json-schema.org/draft/2020-12/schema");
    }

    @Test
    void shouldSayWhereTheSchemaIsNotJson() {
        assertThatThrownBy(() -> SchemaCheck.compile("{\"type\": \"object\",\n \"required\": [\"id\"}"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("the schema is not JSON: Unexpected close marker '}': expected ']' (for Array starting at"
                + " line 2, column 14) at line 2, column 19");
        assertThatThrownBy(() -> SchemaCheck.compile("")).hasMessage("the schema is empty");
        assertThatThrownBy(() -> SchemaCheck.compile("[1]"))
            .hasMessage("a JSON Schema is an object or a boolean, not array");
    }

    @Test
    void shouldRefuseAnInvalidSchemaAtCompile() {
        assertThatThrownBy(() -> SchemaCheck.compile("{\"properties\": {\"a\": {\"type\": \"strin\"}}}"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("the schema is not a valid JSON Schema")
            .hasMessageContaining("/properties/a/type: does not have a value in the enumeration");
        assertThatThrownBy(() -> SchemaCheck.compile("{\"minimum\": \"abc\"}"))
            .hasMessageEndingWith("/minimum: string found, number expected");
        assertThatThrownBy(() -> SchemaCheck.compile("{\"$ref\": \"#/$defs/missing\"}"))
            .hasMessageStartingWith("the schema cannot be used: ")
            .hasMessageContaining("/$defs/missing");
    }

    @Test
    void shouldRefuseRemoteReferencesWithoutFetchingThem() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body = "{\"type\": \"string\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/price.json";

            assertThatThrownBy(() -> SchemaCheck.compile("{\"properties\": {\"p\": {\"$ref\": \"" + url + "\"}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the schema's $ref '" + url + "' points outside the schema")
                .hasMessageContaining("#/$defs/");
            assertThatThrownBy(() -> SchemaCheck.compile(
                "{\"$id\": \"http://127.0.0.1:" + server.getAddress().getPort() + "/order\", \"$ref\": \"price.json\"}"))
                .hasMessageContaining("points outside the schema");
            assertThat(requests).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldRefuseReferencesToFiles() {
        assertThatThrownBy(() -> SchemaCheck.compile("{\"$ref\": \"other.schema.json\"}"))
            .hasMessageStartingWith("the schema's $ref 'other.schema.json' points outside the schema");
        assertThatThrownBy(() -> SchemaCheck.compile("{\"$ref\": \"file:///etc/passwd\"}"))
            .hasMessageContaining("points outside the schema");
    }

    @Test
    void shouldFollowReferencesInsideTheSchema() {
        SchemaCheck check = SchemaCheck.compile("""
            {"$id": "https://example.com/order",
             "$defs": {"price": {"$id": "https://example.com/price", "type": "number"},
                       "sku": {"type": "string"}},
             "properties": {"amount": {"$ref": "https://example.com/price"}, "sku": {"$ref": "#/$defs/sku"},
                            "default": {"const": {"$ref": "not a reference"}}}}
            """);

        assertThat(check.violations(json("{\"amount\": \"x\", \"sku\": 1}")))
            .containsExactly("/amount: string found, number expected", "/sku: integer found, string expected");
    }

    @Test
    void shouldAssertFormats() {
        SchemaCheck check = SchemaCheck.compile("{\"type\": \"string\", \"format\": \"email\"}");

        assertThat(check.violations(json("\"ada@example.com\""))).isEmpty();
        assertThat(check.violations(json("\"bob\""))).hasSize(1).first().asString().startsWith("/: ");
    }

    @Test
    void shouldAcceptIntegersThatExpressionsWrite() {
        SchemaCheck check = SchemaCheck.compile("{\"properties\": {\"qty\": {\"type\": \"integer\"}}}");
        Expression next = Expression.compile("{'qty': qty + 1}");

        assertThat(check.violations(next.evaluateJson(RecordContext.of(json("{\"qty\": 2}"))))).isEmpty();
    }

    @Test
    void shouldCheckFromManyThreadsAtOnce() throws Exception {
        SchemaCheck check = SchemaCheck.compile(ORDER_SCHEMA);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> checkMany(check)));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean checkMany(SchemaCheck check) {
        for (int i = 0; i < 1_000; i++) {
            int amount = i % 2 == 0 ? 1 : -1;
            List<String> violations = check.violations(json("{\"id\": \"o\", \"amount\": " + amount + "}"));
            if (violations.size() != i % 2) {
                return false;
            }
        }
        return true;
    }
}
