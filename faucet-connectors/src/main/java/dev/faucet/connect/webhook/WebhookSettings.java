package dev.faucet.connect.webhook;

import dev.faucet.engine.ConnectorConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * A webhook sink's settings, read once with {@code ${ENV}} substituted, so that a missing variable or a header the
 * HTTP client refuses shows when the sink opens rather than on every record. The shape and defaults are those of
 * the pipeline file's {@code webhook} sink (SinkSpec); {@link #toString} never shows the secret or the headers.
 */
final class WebhookSettings {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final int DEFAULT_CONCURRENCY = 8;

    /** Where to POST, with environment variables substituted. */
    final URI url;
    /** The URL as written ({@code ${NAME}} kept): what messages show, since a variable may hold a token. */
    final String shownUrl;
    final Duration timeout;
    final int concurrency;
    final int batch;
    final boolean ordered;
    /** Extra request headers, values substituted. */
    final Map<String, String> headers;
    /** Signs bodies when a secret is set; null otherwise. */
    final Signature signature;

    /**
     * @throws IllegalStateException when a setting refers to an unset environment variable
     * @throws IllegalArgumentException when the URL or a header is not usable
     */
    WebhookSettings(ConnectorConfig config) {
        this.shownUrl = config.raw("url");
        this.url = url(config.text("url"), shownUrl);
        this.timeout = config.duration("timeout", DEFAULT_TIMEOUT);
        this.concurrency = atLeastOne(config, "concurrency", DEFAULT_CONCURRENCY);
        this.batch = atLeastOne(config, "batch", 1);
        this.ordered = config.flag("ordered", false);
        this.headers = Map.copyOf(config.map("headers"));
        headers.forEach(WebhookSettings::checkHeader);
        String secret = config.text("secret");
        if (secret != null && secret.isEmpty()) {
            throw new IllegalArgumentException("the webhook's 'secret' is empty: set it, or remove it to send"
                    + " unsigned requests");
        }
        this.signature = secret == null ? null : new Signature(secret);
    }

    /**
     * An absolute http:// or https:// URL with a host.
     *
     * @param shown how the URL is named in the message (as written, without substituted variables)
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static URI url(String text, String shown) {
        String what = "'" + shown + "'" + (text.equals(shown) ? "" : " (its variables substituted)");
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(what + " is not a URL: " + e.getReason() + " at index "
                    + e.getIndex(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(what + " is not an http:// or https:// URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(what + " has no host: write it as " + scheme
                    + "://host[:port]/path");
        }
        return uri;
    }

    private static int atLeastOne(ConnectorConfig config, String setting, int otherwise) {
        long n = config.number(setting, otherwise);
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the webhook's '" + setting + "' must be a whole number from 1, not "
                    + n);
        }
        return (int) n;
    }

    /**
     * Fails when the HTTP client would refuse the header: one it sets itself ({@code Host}, {@code Content-Length},
     * {@code Connection}...), or a name or value that is not valid HTTP.
     */
    static void checkHeader(String name, String value) {
        try {
            HttpRequest.newBuilder().setHeader(name, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the header '" + name + "' cannot be sent (" + e.getMessage()
                    + "); the HTTP client sets Host, Content-Length, Connection, Expect and Upgrade itself", e);
        }
    }

    @Override
    public String toString() {
        return "webhook " + shownUrl;
    }
}
