package dev.faucet.connect.webhook;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The start of a response body, for the message of a failed delivery: reads the whole body (so the connection can
 * be reused) but keeps only its first bytes, so an endpoint answering errors with huge pages costs no memory.
 */
final class BodyExcerpt implements HttpResponse.BodySubscriber<String> {
    /** Characters a message shows. */
    static final int CHARS = 300;
    private static final int KEEP_BYTES = CHARS * 4;  // enough for CHARS characters of UTF-8
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<String> result = new CompletableFuture<>();

    @Override
    public CompletionStage<String> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        for (ByteBuffer b : items) {
            int n = Math.min(b.remaining(), KEEP_BYTES - kept.size());
            if (n > 0) {
                byte[] bytes = new byte[n];
                b.get(bytes);
                kept.write(bytes, 0, n);
            }
        }
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(shorten(new String(kept.toByteArray(), StandardCharsets.UTF_8)));
    }

    /** At most {@link #CHARS} characters, on one line. */
    static String shorten(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= CHARS ? line : line.substring(0, CHARS) + "...";
    }
}
