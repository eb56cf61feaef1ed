package dev.faucet.engine.expr;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shortens CEL's compile messages for people: ANTLR's "expecting {...}" lists go, "undeclared reference" becomes
 * "unknown function" (every free identifier is declared, so only functions can be undeclared), and overload errors
 * read as at evaluation ("no matching overload for '_*_' on string and int").
 */
final class CompileMessages {

    private static final Pattern END = Pattern.compile("mismatched input '<EOF>'.*", Pattern.DOTALL);
    private static final Pattern UNEXPECTED =
        Pattern.compile("(?:mismatched|extraneous) input '(.*?)' expecting.*", Pattern.DOTALL);
    private static final Pattern UNDECLARED = Pattern.compile("undeclared reference to '(.*?)'.*", Pattern.DOTALL);
    private static final Pattern RESERVED = Pattern.compile("reserved identifier: (.*)", Pattern.DOTALL);
    private static final Pattern BAD_CHARACTER =
        Pattern.compile("token recognition error at: '(.*?)\\s*'", Pattern.DOTALL);
    private static final Pattern NO_OVERLOAD =
        Pattern.compile("found no matching overload for '(.*?)' applied to '\\((.*?)\\)'.*", Pattern.DOTALL);

    private CompileMessages() {
    }

    static String tidy(String message) {
        if (END.matcher(message).matches()) {
            return "unexpected end of the expression";
        }
        Matcher m = UNEXPECTED.matcher(message);
        if (m.matches()) {
            return "unexpected '" + m.group(1) + "'";
        }
        m = RESERVED.matcher(message);
        if (m.matches()) {
            return "'" + m.group(1) + "' is a reserved word; a field of that name is value['" + m.group(1) + "']";
        }
        m = BAD_CHARACTER.matcher(message);
        if (m.matches()) {
            return "unexpected '" + m.group(1) + "'" + (m.group(1).equals("=") ? " (compare with ==)" : "");
        }
        m = UNDECLARED.matcher(message);
        if (m.matches()) {
            return "unknown function '" + m.group(1) + "'";
        }
        m = NO_OVERLOAD.matcher(message);
        if (m.matches()) {
            return "no matching overload for '" + m.group(1) + "' on " + andList(m.group(2));
        }
        return message;
    }

    /** "string, map(string, int)" as "string and map(string, int)": the last comma outside parentheses. */
    private static String andList(String types) {
        int depth = 0;
        int last = -1;
        for (int i = 0; i < types.length(); i++) {
            char c = types.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ',' && depth == 0) {
                last = i;
            }
        }
        return last < 0 ? types : types.substring(0, last) + " and " + types.substring(last + 1).strip();
    }
}
