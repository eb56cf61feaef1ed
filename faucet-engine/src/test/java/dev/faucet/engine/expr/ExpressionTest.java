package dev.faucet.engine.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ExpressionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String ORDER = """
        {"id": "o-1", "amount": 42, "qty": 2, "price": "x", "note": null, "first-name": "Ada", "type": "order",
         "customer": {"tier": "gold", "taxRate": 0, "name": "Ada"},
         "items": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]}
        """;

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static RecordContext order() {
        return RecordContext.of(json(ORDER));
    }

    static Object eval(String expression) {
        return Expression.compile(expression).evaluate(order());
    }

    static JsonNode evalJson(String expression) {
        return Expression.compile(expression).evaluateJson(order());
    }

    static String evalString(String expression) {
        return Expression.compile(expression).evaluateString(order());
    }

    static boolean test(String expression) {
        return Expression.compile(expression).test(order());
    }

    @Nested
    class Variables {

        @Test
        void shouldSeeTopLevelFieldsByName() {
            assertThat(test("amount > 40 && customer.tier == 'gold'")).isTrue();
            assertThat(test("amount > 100")).isFalse();
            assertThat(test("type == 'order'")).isTrue();
        }

        @Test
        void shouldSeeKeyHeadersTimestampAndValue() {
            RecordContext record = new RecordContext(json(ORDER), "k-1", Map.of("trace", "abc"), 1_700_000_000_000L);

            assertThat(Expression.compile("key == 'k-1'").test(record)).isTrue();
            assertThat(Expression.compile("headers['trace'] == 'abc' && 'trace' in headers").test(record)).isTrue();
            assertThat(Expression.compile("timestamp > 1600000000000").test(record)).isTrue();
            assertThat(Expression.compile("timestamp / 1000").evaluateJson(record)).isEqualTo(json("1700000000"));
            assertThat(Expression.compile("value.amount == amount").test(record)).isTrue();
        }

        @Test
        void shouldReadAnAbsentKeyAsNull() {
            assertThat(test("key == null")).isTrue();
            assertThat(test("size(headers) == 0")).isTrue();
        }

        @Test
        void shouldReachFieldsWhoseNamesAreNotIdentifiersThroughValue() {
            assertThat(evalString("value['first-name']")).isEqualTo("Ada");
        }

        @Test
        void shouldReachNonObjectValuesThroughValue() {
            assertThat(Expression.compile("value * 2").evaluateJson(RecordContext.of(json("21"))))
                .isEqualTo(json("42"));
            assertThat(Expression.compile("value.startsWith('he')").test(RecordContext.of(json("\"hello\""))))
                .isTrue();
            assertThat(Expression.compile("size(value)").evaluate(RecordContext.of(json("[1, 2, 3]")))).isEqualTo(3L);
        }

        @Test
        void shouldLetTheSpecialVariablesWinOverFieldsOfTheSameName() {
            JsonNode value = json("{\"key\": \"field\", \"timestamp\": 5, \"headers\": 1, \"value\": 2}");
            RecordContext record = new RecordContext(value, "record-key", Map.of(), 9L);

            assertThat(Expression.compile("key").evaluate(record)).isEqualTo("record-key");
            assertThat(Expression.compile("value.key").evaluate(record)).isEqualTo("field");
            assertThat(Expression.compile("timestamp").evaluate(record)).isEqualTo(9.0);
            assertThat(Expression.compile("value.timestamp").evaluate(record)).isEqualTo(5.0);
            assertThat(Expression.compile("value.value").evaluate(record)).isEqualTo(2.0);
        }

        @Test
        void shouldListTheVariablesTheExpressionReads() {
            assertThat(Expression.compile("amount > 0 && items.exists(i, i.qty > limit) && amount < 9").variables())
                .containsExactly("amount", "items", "limit");
        }

        @Test
        void shouldNameAnAbsentFieldWhenTheEvaluationNeedsIt() {
            assertThatThrownBy(() -> test("missing > 0"))
                .isInstanceOf(EvaluationException.class)
                .hasMessage("missing > 0: field 'missing' is absent");
            assertThatThrownBy(() -> eval("missing + other"))
                .hasMessage("missing + other: fields 'missing', 'other' are absent");
        }

        @Test
        void shouldNameAnAbsentFieldReadInsideAMacro() {
            assertThatThrownBy(() -> test("items.exists(i, i.qty > limit)"))
                .hasMessage("items.exists(i, i.qty > limit): field 'limit' is absent");
        }

        @Test
        void shouldKeepCelsTypeNamesAndTimestampFunction() {
            RecordContext record = new RecordContext(json("{\"at\": \"2024-05-01T00:00:00Z\"}"), null, Map.of(), 5L);

            assertThat(Expression.compile("type(at) == string").test(record)).isTrue();
            assertThat(Expression.compile("timestamp(at) > timestamp('2020-01-01T00:00:00Z') && timestamp == 5")
                .test(record)).isTrue();
        }

        @Test
        void shouldNotMindAnAbsentFieldTheEvaluationDoesNotNeed() {
            assertThat(test("amount > 0 || missing > 0")).isTrue();
            assertThat(test("has(value.missing) && value.missing > 0")).isFalse();
        }

        @Test
        void shouldSayWhenTheValueIsNotAnObject() {
            assertThatThrownBy(() -> Expression.compile("amount > 0").test(RecordContext.of(json("\"text\""))))
                .hasMessage("amount > 0: field 'amount' is absent (the value is string, not an object)");
        }
    }

    @Nested
    class Numbers {

        @Test
        void shouldAddAnIntegerLiteralToAnIntegerField() {
            assertThat(evalJson("qty + 1")).isEqualTo(json("3"));
            assertThat(evalJson("qty + 1").toString()).isEqualTo("3");
            assertThat(evalJson("1 + qty")).isEqualTo(json("3"));
            assertThat(evalJson("qty - 1")).isEqualTo(json("1"));
        }

        @Test
        void shouldMixIntegerFieldsWithLiteralsOfBothKinds() {
            assertThat(evalJson("amount * 2")).isEqualTo(json("84"));
            assertThat(evalJson("amount * 1.5")).isEqualTo(json("63"));
            assertThat(evalJson("amount * 1.1").doubleValue()).isCloseTo(46.2, within(1e-9));
            assertThat(test("amount > 0")).isTrue();
            assertThat(test("amount == 42")).isTrue();
            assertThat(test("amount != 42.5")).isTrue();
            assertThat(test("amount in [1, 42]")).isTrue();
        }

        @Test
        void shouldMixANestedIntegerFieldWithADoubleLiteral() {
            assertThat(evalJson("amount * (1.0 + customer.taxRate)")).isEqualTo(json("42"));
        }

        @Test
        void shouldDivideAndTakeRemaindersOfFields() {
            RecordContext three = RecordContext.of(json("{\"qty\": 3}"));

            assertThat(Expression.compile("qty / 2").evaluateJson(three)).isEqualTo(json("1.5"));
            assertThat(Expression.compile("qty % 2 == 1").test(three)).isTrue();
            assertThat(Expression.compile("7 / 2").evaluate(three)).isEqualTo(3L);
        }

        @Test
        void shouldMixLiteralsOfBothKinds() {
            assertThat(evalJson("2 * 1.5")).isEqualTo(json("3"));
            assertThat(evalJson("size(items) + 0.5")).isEqualTo(json("2.5"));
        }

        @Test
        void shouldIndexAListByANumberField() {
            assertThat(evalString("items[qty - 1].sku")).isEqualTo("B");
        }

        @Test
        void shouldGiveRecordNumbersAsDoublesAndIntegerArithmeticAsLongs() {
            assertThat(eval("amount")).isEqualTo(42.0);
            assertThat(eval("size(items)")).isEqualTo(2L);
        }

        @Test
        void shouldWriteIntegralNumbersWithoutAFractionInStrings() {
            assertThat(eval("'order-' + string(amount)")).isEqualTo("order-42");
            assertThat(eval("string(amount / 4)")).isEqualTo("10.5");
        }

        @Test
        void shouldKeepDoublesBeyondTwoToThe53AsDoublesInJson() {
            JsonNode result = Expression.compile("big * 1").evaluateJson(RecordContext.of(json("{\"big\": 1e20}")));

            assertThat(result.isDouble()).isTrue();
            assertThat(result.doubleValue()).isEqualTo(1e20);
        }
    }

    @Nested
    class Structures {

        @Test
        void shouldReadNestedObjectsAsMaps() {
            assertThat(test("customer.tier == 'gold'")).isTrue();
            assertThat(test("has(customer.tier)")).isTrue();
            assertThat(test("has(customer.vip)")).isFalse();
            assertThat(test("'tier' in customer")).isTrue();
        }

        @Test
        void shouldReadArraysAsLists() {
            assertThat(test("size(items) > 0")).isTrue();
            assertThat(test("items.exists(i, i.sku == 'A')")).isTrue();
            assertThat(test("items.all(i, i.qty > 0)")).isTrue();
            assertThat(evalJson("items.map(i, i.qty * 2)")).isEqualTo(json("[2, 4]"));
            assertThat(evalJson("items.filter(i, i.sku == 'B')")).isEqualTo(json("[{\"sku\": \"B\", \"qty\": 2}]"));
        }

        @Test
        void shouldGiveObjectsAsPlainJavaMaps() {
            assertThat(eval("customer")).isEqualTo(Map.of("tier", "gold", "taxRate", 0.0, "name", "Ada"));
            assertThat(eval("[note]")).isEqualTo(java.util.Collections.singletonList(null));
        }

        @Test
        void shouldReadNullAsNull() {
            assertThat(test("note == null")).isTrue();
            assertThat(eval("note")).isNull();
            assertThat(evalJson("note").isNull()).isTrue();
        }

        @Test
        void shouldReshapeWithAMapLiteral() {
            assertThat(evalJson("{'id': id, 'total': amount * 2}")).isEqualTo(json("{\"id\": \"o-1\", \"total\": 84}"));
            assertThat(eval("{'id': id, 'n': [1, 2.5]}")).isEqualTo(Map.of("id", "o-1", "n", List.of(1L, 2.5)));
        }

        @Test
        void shouldCopyRecordObjectsIntoTheResult() {
            RecordContext record = order();
            ObjectNode result = (ObjectNode) Expression.compile("{'c': customer}").evaluateJson(record);

            ((ObjectNode) result.get("c")).put("tier", "changed");

            assertThat(record.value().at("/customer/tier").asText()).isEqualTo("gold");
            assertThat(result).isEqualTo(json("{\"c\": {\"tier\": \"changed\", \"taxRate\": 0, \"name\": \"Ada\"}}"));
        }
    }

    @Nested
    class Strings {

        @Test
        void shouldOfferCelsStringFunctions() {
            assertThat(test("id.startsWith('o-')")).isTrue();
            assertThat(test("id.endsWith('1')")).isTrue();
            assertThat(test("customer.name.contains('d')")).isTrue();
            assertThat(test("id.matches('^o-[0-9]+$')")).isTrue();
            assertThat(test("size(id) == 3")).isTrue();
        }

        @Test
        void shouldGiveTextForKeys() {
            assertThat(evalString("id")).isEqualTo("o-1");
            assertThat(evalString("amount")).isEqualTo("42");
            assertThat(evalString("amount / 4")).isEqualTo("10.5");
            assertThat(evalString("amount > 1")).isEqualTo("true");
            assertThat(evalString("note")).isNull();
            assertThat(evalString("{'a': qty, 'b': [id]}")).isEqualTo("{\"a\":2,\"b\":[\"o-1\"]}");
            assertThat(evalString("[1, 'x']")).isEqualTo("[1,\"x\"]");
        }
    }

    @Nested
    class CompileErrors {

        @Test
        void shouldSayWhereASyntaxErrorIs() {
            assertThatThrownBy(() -> Expression.compile("amount >"))
                .isInstanceOf(ExpressionException.class)
                .hasMessage("Syntax error at column 9: unexpected end of the expression")
                .satisfies(e -> assertThat(((ExpressionException) e).column()).isEqualTo(9));
            assertThatThrownBy(() -> Expression.compile("amount > > 1"))
                .hasMessageStartingWith("Syntax error at column 10: ");
        }

        @Test
        void shouldGiveTheLineOfAnErrorInAnExpressionOfSeveralLines() {
            assertThatThrownBy(() -> Expression.compile("amount > 0 &&\n  customer.tier ==")).isInstanceOfSatisfying(
                ExpressionException.class, e -> {
                    assertThat(e.getMessage()).startsWith("Syntax error at line 2, column 19: ");
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo(19);
                });
        }

        @Test
        void shouldNameAnUnknownFunctionAndWhereItIsCalled() {
            assertThatThrownBy(() -> Expression.compile("amount > 0 && foo(amount)"))
                .isInstanceOf(ExpressionException.class)
                .hasMessage("Error at column 18: unknown function 'foo'")
                .satisfies(e -> assertThat(((ExpressionException) e).column()).isEqualTo(18));
            assertThatThrownBy(() -> Expression.compile("id.shout()"))
                .hasMessage("Error at column 9: unknown function 'shout'");
        }

        @Test
        void shouldCatchATypeErrorBetweenLiterals() {
            assertThatThrownBy(() -> Expression.compile("'a' * 2"))
                .hasMessage("Error at column 5: no matching overload for '_*_' on string and int");
        }

        @Test
        void shouldPointReservedWordsAndSingleEqualsToWhatWorks() {
            assertThatThrownBy(() -> Expression.compile("if > 0"))
                .hasMessage("Syntax error at column 1: 'if' is a reserved word; a field of that name is value['if']");
            assertThatThrownBy(() -> Expression.compile("amount = 1"))
                .hasMessageStartingWith("Syntax error at column 8: unexpected '=' (compare with ==)");
        }

        @Test
        void shouldRefuseAnEmptyExpression() {
            assertThatThrownBy(() -> Expression.compile("  "))
                .hasMessage("Syntax error at column 1: the expression is empty");
        }

        @Test
        void shouldKeepTheSource() {
            assertThat(Expression.compile("amount > 0").source()).isEqualTo("amount > 0");
            assertThatThrownBy(() -> Expression.compile("amount >")).isInstanceOfSatisfying(
                ExpressionException.class, e -> assertThat(e.source()).isEqualTo("amount >"));
        }
    }

    @Nested
    class EvaluationErrors {

        @Test
        void shouldNameTheTypesWhenNoOverloadMatches() {
            assertThatThrownBy(() -> eval("price * 2"))
                .isInstanceOf(EvaluationException.class)
                .hasMessage("price * 2: no matching overload for '_*_' on string and int");
            assertThatThrownBy(() -> eval("price * 1.5"))
                .hasMessage("price * 1.5: no matching overload for '_*_' on string and double");
            assertThatThrownBy(() -> eval("items.map(i, i.sku * amount)"))
                .hasMessage("items.map(i, i.sku * amount): no matching overload for '_*_' on string and double");
            assertThatThrownBy(() -> eval("note > 1"))
                .hasMessage("note > 1: no matching overload for '_>_' on null and int");
        }

        @Test
        void shouldNameAnAbsentNestedField() {
            assertThatThrownBy(() -> eval("customer.vip == true"))
                .hasMessage("customer.vip == true: field 'customer.vip' is absent");
            assertThatThrownBy(() -> eval("customer['vip']"))
                .hasMessage("customer['vip']: field 'customer['vip']' is absent");
        }

        @Test
        void shouldSayWhenAFieldIsReadFromSomethingThatIsNotAnObject() {
            assertThatThrownBy(() -> eval("note.text"))
                .hasMessage("note.text: field 'note.text' cannot be read: 'note' is null, not an object");
            assertThatThrownBy(() -> eval("id.text"))
                .hasMessage("id.text: field 'id.text' cannot be read: 'id' is a string, not an object");
        }

        @Test
        void shouldSayWhichIndexIsOutOfBounds() {
            assertThatThrownBy(() -> eval("items[5]"))
                .hasMessage("items[5]: index out of bounds: 5 in items (it has 2 elements)");
        }

        @Test
        void shouldSayWhichTextIsNotANumber() {
            assertThatThrownBy(() -> eval("int(price)")).hasMessage("int(price): \"x\" is not a number");
        }

        @Test
        void shouldSayDivisionByZero() {
            assertThatThrownBy(() -> eval("size(items) / 0")).hasMessage("size(items) / 0: division by zero");
        }

        @Test
        void shouldRefuseANonBooleanCondition() {
            assertThatThrownBy(() -> test("amount"))
                .isInstanceOf(EvaluationException.class)
                .hasMessage("amount: gave 42, not true or false");
            assertThatThrownBy(() -> test("id")).hasMessage("id: gave \"o-1\", not true or false");
            assertThatThrownBy(() -> test("note")).hasMessage("note: gave null, not true or false");
        }

        @Test
        void shouldRefuseNumbersJsonCannotHold() {
            assertThatThrownBy(() -> evalJson("amount / 0.0"))
                .isInstanceOf(EvaluationException.class)
                .hasMessage("amount / 0.0: gave Infinity, which JSON cannot hold");
            assertThatThrownBy(() -> evalString("0.0 / 0.0"))
                .hasMessage("0.0 / 0.0: gave NaN, which JSON cannot hold");
        }

        @Test
        void shouldQuoteALongExpressionOnOneLineAndCut() {
            String longExpression = "missing > 0 &&\n" + "amount > 1 && ".repeat(10) + "true";

            assertThatThrownBy(() -> test(longExpression))
                .hasMessageStartingWith("missing > 0 && amount > 1 && amount")
                .hasMessageContaining("...: field 'missing' is absent");
        }
    }

    @Nested
    class Threads {

        @Test
        void shouldEvaluateOneExpressionFromManyThreadsAtOnce() throws Exception {
            Expression expression = Expression.compile("{'id': id, 'total': amount * 2, 'big': amount > 500}");
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> evaluateMany(expression, thread)));
                }
                for (Future<Boolean> result : results) {
                    assertThat(result.get()).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
        }

        private boolean evaluateMany(Expression expression, int thread) {
            for (int i = 0; i < 2_000; i++) {
                int amount = thread * 10_000 + i;
                JsonNode value = json("{\"id\": \"o-" + amount + "\", \"amount\": " + amount + "}");
                JsonNode expected = json("{\"id\": \"o-" + amount + "\", \"total\": " + amount * 2 + ", \"big\": "
                    + (amount > 500) + "}");
                if (!expression.evaluateJson(RecordContext.of(value)).equals(expected)) {
                    return false;
                }
            }
            return true;
        }
    }
}
