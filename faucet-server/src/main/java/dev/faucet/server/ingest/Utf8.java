package dev.faucet.server.ingest;

import dev.faucet.server.ApiException;

/**
 * Strict UTF-8 checking of a body (RFC 3629): no BOM, overlong forms, surrogates or code points past U+10FFFF, and
 * no raw control characters but tab, CR and LF (JSON has no place for them, and a NUL would make the JSON parser
 * guess UTF-16).
 */
final class Utf8 {
    private Utf8() {
    }

    static void check(byte[] b, int length) {
        if (length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
            throw ApiException.badRequest("invalid-encoding", "the body starts with a UTF-8 byte-order mark; send"
                    + " UTF-8 without one", 1, null);
        }
        int line = 1;
        int i = 0;
        while (i < length) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                if (c == '\n') {
                    line++;
                } else if (c < 0x20 && c != '\t' && c != '\r') {
                    throw control(c, i, line);
                }
                i++;
                continue;
            }
            int need;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                throw invalid(i, line);
            }
            if (i + need >= length) {
                throw invalid(i, line);
            }
            int cp = c & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xC0) != 0x80) {
                    throw invalid(i, line);
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                throw invalid(i, line);
            }
            i += need + 1;
        }
    }

    /** JSON allows no raw control characters: inside strings they must be escaped, outside only whitespace. */
    private static ApiException control(int c, int offset, int line) {
        return ApiException.badRequest("invalid-json", String.format("a raw control character U+%04X at byte %d (line"
                + " %d); JSON allows them only escaped inside strings", c, offset, line), line, null);
    }

    private static ApiException invalid(int offset, int line) {
        return ApiException.badRequest("invalid-encoding", "the body is not valid UTF-8 at byte " + offset + " (line "
                + line + ")", line, null);
    }
}
