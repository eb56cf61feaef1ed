package dev.faucet.server.cli;

/**
 * Server-sent events, line by line (the WHATWG event-stream format): {@code id:} and {@code data:} fields (several
 * {@code data:} lines join with a newline), comments ({@code :}) ignored, an event complete at a blank line.
 * Not thread-safe: one stream's reader feeds it.
 */
final class SseParser {
    /** One event: {@code id} as the server sent it ({@code P:O} for Faucet), {@code data} its record object. */
    record Event(String id, String data) {
    }

    private String id;
    private StringBuilder data;

    /** Takes one line (without its ending); returns the event it completes, or null. */
    Event line(String line) {
        if (line.isEmpty()) {
            if (data == null) {
                return null;
            }
            Event e = new Event(id, data.toString());
            data = null;
            return e;
        }
        if (line.startsWith(":")) {
            return null;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("id")) {
            id = value;
        } else if (field.equals("data")) {
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        }
        return null;
    }
}
