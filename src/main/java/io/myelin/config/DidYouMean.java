package io.myelin.config;

import java.util.Collection;

/**
 * The near miss of a misspelt word among the words that are known, by edit distance (Levenshtein with
 * transpositions of neighbours counted as one edit, "optimal string alignment"): a key or name
 * within {@link #MAX_DISTANCE} edits; one edit for words of up to five letters, none for two letters (so
 * "l3" does not suggest "l1").
 *
 * <pre>{@code
 * DidYouMean.nearest("activaton", List.of("units", "activation"));   // "activation"
 * }</pre>
 */
public final class DidYouMean {
    /** The most single-character edits (insert, delete, substitute) between a typo and its suggestion. */
    public static final int MAX_DISTANCE = 2;

    private DidYouMean() {
    }

    /** The known word closest to {@code word} (first of equals, in the order given), or null when none is close. */
    public static String nearest(String word, Collection<String> known) {
        int limit = word.length() <= 2 ? 0 : word.length() <= 5 ? 1 : MAX_DISTANCE;
        String best = null;
        int bestDistance = limit + 1;
        for (String k : known) {
            int d = distance(word, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /**
     * The fewest single-character inserts, deletes, substitutions and swaps of neighbours from a to b
     * ("detla" to "delta" is one swap).
     */
    public static int distance(String a, String b) {
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
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
