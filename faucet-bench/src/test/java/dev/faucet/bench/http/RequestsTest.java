package dev.faucet.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestsTest {

    @Test
    void shouldMakeValuesOfExactlyTheAskedSize() {
        assertThat(Requests.value(42, 200)).hasSize(200);
        assertThat(new String(Requests.value(42, 30), StandardCharsets.US_ASCII))
                .isEqualTo("{\"n\":\"0000042\",\"p\":\"xxxxxxxx\"}");
        assertThat(Requests.value(7, Requests.MIN_RECORD_BYTES)).hasSize(Requests.MIN_RECORD_BYTES);
    }

    @Test
    void shouldRefuseValuesTooSmallForTheirNumber() {
        assertThatThrownBy(() -> Requests.value(1, Requests.MIN_RECORD_BYTES - 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldPutHeadersAndBodyInOneRequestWithTheRightLength() {
        String single = new String(Requests.single("127.0.0.1:8080", "bench", 200), StandardCharsets.ISO_8859_1);

        assertThat(single).startsWith("POST /v1/topics/bench/records HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n")
                .contains("Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"n\":");
        assertThat(single.substring(single.indexOf("\r\n\r\n") + 4)).hasSize(200);
    }

    @Test
    void shouldSendABatchAsOneNumberedValuePerLine() {
        String batch = new String(Requests.batch("h:1", "t", 3, 40), StandardCharsets.ISO_8859_1);
        String body = batch.substring(batch.indexOf("\r\n\r\n") + 4);

        assertThat(batch).contains("Content-Type: application/x-ndjson\r\nContent-Length: 123\r\n");
        assertThat(body.split("\n")).hasSize(3).allSatisfy(line -> assertThat(line).hasSize(40));
        assertThat(body).contains("\"0000000\"", "\"0000001\"", "\"0000002\"");
    }
}
