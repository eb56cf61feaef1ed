package dev.faucet.bench.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseReaderTest {

    private static ResponseReader reader(String wire) {
        return new ResponseReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** Hands out at most {@code n} bytes per read, so lines and bodies are split across reads. */
    private static InputStream trickle(String wire, int n) {
        return new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(n, len));
            }
        };
    }

    @Test
    void shouldReadResponsesWithContentLengthOneAfterAnother() throws IOException {
        ResponseReader r = reader("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n"
                + "{\"offsets\":1}HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\nno");

        ResponseReader.Response first = r.read();
        assertThat(first).isEqualTo(new ResponseReader.Response(200, 13, false));
        assertThat(r.bodyText()).isEqualTo("{\"offsets\":1}");
        assertThat(r.read()).isEqualTo(new ResponseReader.Response(404, 2, false));
        assertThat(r.bodyText()).isEqualTo("no");
    }

    @Test
    void shouldJoinChunksWhenTheBodyIsChunked() throws IOException {
        ResponseReader r = reader("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\nA;ext=1\r\n, chunked!\r\n0\r\n\r\n");

        assertThat(r.read().bodyLength()).isEqualTo(15);
        assertThat(r.bodyText()).isEqualTo("hello, chunked!");
    }

    @Test
    void shouldParseAResponseThatArrivesAFewBytesAtATime() throws IOException {
        String body = "x".repeat(100_000);
        ResponseReader r = new ResponseReader(trickle("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + body
                + "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 7));

        assertThat(r.read().status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo(body);
        assertThat(r.read()).isEqualTo(new ResponseReader.Response(503, 0, true));
    }

    @Test
    void shouldFailWhenTheServerClosesMidResponse() {
        ResponseReader r = reader("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");

        assertThatThrownBy(r::read).isInstanceOf(EOFException.class);
    }

    @Test
    void shouldRefuseWhatIsNotAnHttpResponse() {
        assertThatThrownBy(() -> reader("SSH-2.0-OpenSSH\r\n\r\n").read()).isInstanceOf(IOException.class)
                .hasMessageContaining("status line");
    }
}
