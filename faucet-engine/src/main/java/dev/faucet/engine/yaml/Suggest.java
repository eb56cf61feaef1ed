package dev.faucet.engine.yaml;

import java.util.Collection;
import java.util.Locale;

/** "Did you mean": the closest known name by Damerau-Levenshtein distance, ignoring case, '-' and '_'. */
final class Suggest {
    private Suggest() {
    }

    /** {@code "; did you mean 'x'?"} when one known name is close to {@code given}, else the empty string. */
    static String didYouMean(String given, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String g = normalize(given);
        for (String k : known) {
            int d = distance(g, normalize(k));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= allowed(best) ? "; did you mean '" + best + "'?" : "";
    }

    private static int allowed(String known) {
        return known.length() <= 4 ? 1 : known.length() <= 8 ? 2 : 3;
    }

    private static String normalize(String s) {
        return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
