package dev.awsjca.plugins.sql;

/**
 * PostgreSQL's lexical structure, as much as routing needs: it steps over white space, comments (nested
 * block comments too), string constants (standard, {@code E''} escapes, dollar quoting) and quoted
 * identifiers, and hands out words, numbers and punctuation. It allocates nothing while scanning: a
 * token is its kind and its bounds in the text.
 */
public final class SqlLexer {

    public enum Kind { WORD, QUOTED_IDENTIFIER, STRING, NUMBER, LEFT_PAREN, RIGHT_PAREN, SEMICOLON, CAST, OTHER, END }

    private final String sql;
    private final int length;
    private int pos;
    /** Set when a comment of the form {@code /*@reader*\/} or {@code /*@writer*\/} was stepped over. */
    private Route hint;

    private Kind kind;
    private int start;
    private int end;

    public SqlLexer(String sql) {
        this.sql = sql;
        this.length = sql.length();
    }

    public Kind kind() {
        return kind;
    }

    public Route hint() {
        return hint;
    }

    /** True when the current token is the word {@code keyword} (given in lower case), in any case. */
    public boolean is(String keyword) {
        return kind == Kind.WORD && end - start == keyword.length()
                && (sql.charAt(start) | 0x20) == keyword.charAt(0) // a cheap first look before the whole word
                && sql.regionMatches(true, start, keyword, 0, keyword.length());
    }

    /** The current word in lower case (allocates: only for the few tokens that need it). */
    public String word() {
        return sql.substring(start, end).toLowerCase(java.util.Locale.ROOT);
    }

    public String text() {
        return sql.substring(start, end);
    }

    public int start() {
        return start;
    }

    public int end() {
        return end;
    }

    public String source() {
        return sql;
    }

    /** Moves to the next token and returns its kind ({@link Kind#END} at the end of the text). */
    public Kind next() {
        skipSpaceAndComments();
        start = pos;
        if (pos >= length) {
            end = pos;
            return kind = Kind.END;
        }
        char c = sql.charAt(pos);
        if (c == '\'') {
            pos = skipString(pos + 1, false);
            return finish(Kind.STRING);
        }
        if ((c == 'e' || c == 'E') && pos + 1 < length && sql.charAt(pos + 1) == '\'') {
            pos = skipString(pos + 2, true);
            return finish(Kind.STRING);
        }
        if ((c == 'u' || c == 'U') && pos + 2 < length && sql.charAt(pos + 1) == '&'
                && (sql.charAt(pos + 2) == '\'' || sql.charAt(pos + 2) == '"')) {
            char q = sql.charAt(pos + 2);
            pos = q == '\'' ? skipString(pos + 3, false) : skipQuotedIdentifier(pos + 3);
            return finish(q == '\'' ? Kind.STRING : Kind.QUOTED_IDENTIFIER);
        }
        if (c == '"') {
            pos = skipQuotedIdentifier(pos + 1);
            return finish(Kind.QUOTED_IDENTIFIER);
        }
        if (c == '$') {
            int tagEnd = dollarTagEnd(pos);
            if (tagEnd > 0) {
                String tag = sql.substring(pos, tagEnd + 1);
                int close = sql.indexOf(tag, tagEnd + 1);
                pos = close < 0 ? length : close + tag.length();
                return finish(Kind.STRING);
            }
            pos++;
            while (pos < length && Character.isDigit(sql.charAt(pos))) {
                pos++; // $1: a parameter
            }
            return finish(Kind.OTHER);
        }
        if (isIdentifierStart(c)) {
            pos++;
            while (pos < length && isIdentifierPart(sql.charAt(pos))) {
                pos++;
            }
            return finish(Kind.WORD);
        }
        if (Character.isDigit(c)) {
            pos++;
            while (pos < length && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '.' || sql.charAt(pos) == '_')) {
                pos++;
            }
            return finish(Kind.NUMBER);
        }
        pos++;
        switch (c) {
            case '(':
                return finish(Kind.LEFT_PAREN);
            case ')':
                return finish(Kind.RIGHT_PAREN);
            case ';':
                return finish(Kind.SEMICOLON);
            case ':':
                if (pos < length && sql.charAt(pos) == ':') {
                    pos++;
                    return finish(Kind.CAST);
                }
                return finish(Kind.OTHER);
            default:
                return finish(Kind.OTHER);
        }
    }

    private Kind finish(Kind k) {
        end = pos;
        return kind = k;
    }

    private void skipSpaceAndComments() {
        while (pos < length) {
            char c = sql.charAt(pos);
            if (isWhitespace(c)) {
                pos++;
            } else if (c == '-' && pos + 1 < length && sql.charAt(pos + 1) == '-') {
                int nl = sql.indexOf('\n', pos);
                pos = nl < 0 ? length : nl + 1;
            } else if (c == '/' && pos + 1 < length && sql.charAt(pos + 1) == '*') {
                int commentStart = pos;
                pos = skipBlockComment(pos + 2);
                noteHint(commentStart, pos);
            } else {
                return;
            }
        }
    }

    private int skipBlockComment(int i) {
        int depth = 1;
        while (i < length && depth > 0) {
            char c = sql.charAt(i);
            if (c == '*' && i + 1 < length && sql.charAt(i + 1) == '/') {
                depth--;
                i += 2;
            } else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else {
                i++;
            }
        }
        return i;
    }

    private void noteHint(int from, int to) {
        // /*@reader*/ or /*@writer*/, white space allowed inside; the first hint wins
        int i = from + 2;
        int last = to - 2;
        while (i < last && isWhitespace(sql.charAt(i))) {
            i++;
        }
        while (last > i && isWhitespace(sql.charAt(last - 1))) {
            last--;
        }
        if (hint == null && last - i == 7 && sql.charAt(i) == '@') {
            if (sql.regionMatches(true, i + 1, "reader", 0, 6)) {
                hint = Route.READER;
            } else if (sql.regionMatches(true, i + 1, "writer", 0, 6)) {
                hint = Route.WRITER;
            }
        }
    }

    private int skipString(int i, boolean backslashEscapes) {
        while (i < length) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == '\'') {
                if (i + 1 < length && sql.charAt(i + 1) == '\'') {
                    i += 2; // '' inside a string
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return length;
    }

    private int skipQuotedIdentifier(int i) {
        while (i < length) {
            if (sql.charAt(i) == '"') {
                if (i + 1 < length && sql.charAt(i + 1) == '"') {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return length;
    }

    /** The index of the closing {@code $} of a dollar-quote tag starting at {@code i}, or -1. */
    private int dollarTagEnd(int i) {
        int j = i + 1;
        if (j < length && sql.charAt(j) == '$') {
            return j;
        }
        if (j >= length || !isIdentifierStart(sql.charAt(j))) {
            return -1;
        }
        while (j < length && isIdentifierPart(sql.charAt(j)) && sql.charAt(j) != '$') {
            j++;
        }
        return j < length && sql.charAt(j) == '$' ? j : -1;
    }

    // ASCII, nearly all of SQL text, is answered from a table; Character's lookups only for the rest
    private static final byte SPACE = 1;
    private static final byte IDENTIFIER_START = 2;
    private static final byte IDENTIFIER_PART = 4;
    private static final byte[] ASCII = new byte[128];

    static {
        for (char c = 0; c < 128; c++) {
            ASCII[c] = (byte) ((Character.isWhitespace(c) ? SPACE : 0)
                    | (Character.isLetter(c) || c == '_' ? IDENTIFIER_START : 0)
                    | (Character.isLetterOrDigit(c) || c == '_' || c == '$' ? IDENTIFIER_PART : 0));
        }
    }

    private static boolean isWhitespace(char c) {
        return c < 128 ? (ASCII[c] & SPACE) != 0 : Character.isWhitespace(c);
    }

    private static boolean isIdentifierStart(char c) {
        return c < 128 ? (ASCII[c] & IDENTIFIER_START) != 0 : Character.isLetter(c);
    }

    private static boolean isIdentifierPart(char c) {
        return c < 128 ? (ASCII[c] & IDENTIFIER_PART) != 0 : Character.isLetterOrDigit(c);
    }
}
