package dev.faucet.server.ingest;

import dev.faucet.server.ApiException;
import java.util.List;
import java.util.Locale;

/**
 * The body formats ingest accepts, chosen by {@code Content-Type}: {@code application/json} (one value or an array
 * of values), {@code application/x-ndjson} (one value per line) and {@code application/vnd.faucet.records+json}
 * (an array of {@code {key,value,headers,timestamp}} envelopes). The media type is matched without regard to case;
 * a {@code charset} parameter must be UTF-8; other parameters are ignored. Anything else is a 415.
 */
public enum Format {
    JSON("application/json"),
    NDJSON("application/x-ndjson"),
    ENVELOPE("application/vnd.faucet.records+json");

    private static final String ACCEPTED = "use application/json (a value or an array of values),"
            + " application/x-ndjson (one value per line) or application/vnd.faucet.records+json";

    private final String mediaType;

    Format(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The format of a request with these {@code Content-Type} header values (all of them, to refuse duplicates). */
    public static Format of(List<String> contentTypes) {
        String type = mediaType(contentTypes, ACCEPTED);
        for (Format f : values()) {
            if (f.mediaType.equals(type)) {
                return f;
            }
        }
        throw unsupported("Content-Type '" + type + "' is not accepted", ACCEPTED);
    }

    /**
     * The media type of a request's one {@code Content-Type}, in lower case and without parameters; a {@code charset}
     * must be UTF-8. Anything else is a 415 whose detail ends with {@code accepted}, which says what to send.
     */
    public static String mediaType(List<String> contentTypes, String accepted) {
        if (contentTypes.isEmpty()) {
            throw unsupported("the request has no Content-Type", accepted);
        }
        if (contentTypes.size() > 1) {
            throw unsupported("the request has " + contentTypes.size() + " Content-Type headers; send one", accepted);
        }
        String[] parts = contentTypes.get(0).split(";");
        for (int i = 1; i < parts.length; i++) {
            String[] param = parts[i].split("=", 2);
            if (param[0].trim().equalsIgnoreCase("charset")) {
                String charset = param.length > 1 ? param[1].trim().replace("\"", "") : "";
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    throw unsupported("charset '" + charset + "' is not supported; bodies are UTF-8", accepted);
                }
            }
        }
        return parts[0].trim().toLowerCase(Locale.ROOT);
    }

    private static ApiException unsupported(String why, String accepted) {
        return new ApiException(415, "unsupported-media-type", why + ": " + accepted);
    }
}
