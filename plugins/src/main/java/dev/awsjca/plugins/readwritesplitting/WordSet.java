package dev.awsjca.plugins.readwritesplitting;

import java.util.Collection;
import java.util.Locale;

/**
 * A fixed set of ASCII words looked up case-insensitively by their place in a text, without making a
 * string: the lexer's hot path allocates nothing.
 */
final class WordSet {

    private final String[] table;
    private final int mask;

    WordSet(Collection<String> words) {
        int size = Integer.highestOneBit(Math.max(4, words.size() * 4) - 1) << 1;
        table = new String[size];
        mask = size - 1;
        for (String w : words) {
            String lower = w.toLowerCase(Locale.ROOT);
            int i = hash(lower, 0, lower.length()) & mask;
            while (table[i] != null && !table[i].equals(lower)) {
                i = (i + 1) & mask;
            }
            table[i] = lower;
        }
    }

    boolean contains(String text, int start, int end) {
        int i = hash(text, start, end) & mask;
        int length = end - start;
        for (String w = table[i]; w != null; w = table[i = (i + 1) & mask]) {
            if (w.length() == length && text.regionMatches(true, start, w, 0, length)) {
                return true;
            }
        }
        return false;
    }

    private static int hash(String s, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            h = 31 * h + (c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        return h ^ (h >>> 16);
    }
}
