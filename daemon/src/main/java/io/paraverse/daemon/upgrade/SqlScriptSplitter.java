package io.paraverse.daemon.upgrade;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an SQL script into statements the way the mysql/mariadb command-line client does, so an application's
 * upgrade script runs unchanged over JDBC:
 * <ul>
 * <li>'single', "double" and `backtick` quotes, with backslash escapes (not in backticks) and doubled-quote escapes;
 * <li>{@code --} comments (only when followed by space, tab, newline or end of input, as the server requires),
 *     {@code #} comments and {@code /* *}{@code /} comments; comments between statements are dropped, comments
 *     inside one are kept (the server ignores them, and procedure bodies keep their text);
 * <li>MariaDB executable comments {@code /*! … *}{@code /} and {@code /*M! … *}{@code /} are statement text;
 * <li>{@code DELIMITER xx} lines change the delimiter (so procedure and trigger bodies may contain {@code ;}); they are
 *     client commands and never become statements.
 * </ul>
 * The last statement needs no delimiter. Backslash escapes are assumed on (no {@code NO_BACKSLASH_ESCAPES}).
 */
public final class SqlScriptSplitter {

    /** The script ends inside a quote or a comment. */
    public static final class UnterminatedException extends IllegalArgumentException {
        private final int line;

        UnterminatedException(String what, int line) {
            super("line " + line + ": " + what + " is never closed");
            this.line = line;
        }

        /** 1-based line where the unterminated quote or comment opens. */
        public int line() { return line; }
    }

    private final String s;
    private final List<SqlStatement> out = new ArrayList<>();
    private int pos;
    private int line = 1;
    private String delimiter = ";";
    private final StringBuilder current = new StringBuilder();
    private int currentLine = -1; // -1: no statement text yet

    private SqlScriptSplitter(String script) {
        this.s = script;
    }

    /** The statements of {@code script} in order, each with its starting line. */
    public static List<SqlStatement> split(String script) {
        SqlScriptSplitter sp = new SqlScriptSplitter(script);
        sp.run();
        return List.copyOf(sp.out);
    }

    private void run() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (currentLine < 0) {
                if (Character.isWhitespace(c)) {
                    advance(1);
                    continue;
                }
                if (isLineComment()) {
                    skipLineComment();
                    continue;
                }
                if (isPlainBlockComment()) {
                    skipBlockComment(false);
                    continue;
                }
                if (isDelimiterCommand()) {
                    readDelimiterCommand();
                    continue;
                }
            }
            if (s.startsWith(delimiter, pos)) {
                finishStatement();
                advance(delimiter.length());
                continue;
            }
            if (currentLine < 0) {
                currentLine = line;
            }
            if (c == '\'' || c == '"' || c == '`') {
                copyQuoted(c);
            } else if (isLineComment()) {
                copyLineComment();
            } else if (c == '/' && s.startsWith("/*", pos)) {
                int start = pos;
                skipBlockComment(true);
                current.append(s, start, pos);
            } else {
                current.append(c);
                advance(1);
            }
        }
        finishStatement();
    }

    private void finishStatement() {
        if (currentLine > 0) {
            String sql = current.toString().strip();
            if (!sql.isEmpty()) {
                out.add(new SqlStatement(sql, currentLine));
            }
        }
        current.setLength(0);
        currentLine = -1;
    }

    private void advance(int n) {
        for (int i = 0; i < n; i++) {
            if (s.charAt(pos++) == '\n') {
                line++;
            }
        }
    }

    private boolean isLineComment() {
        char c = s.charAt(pos);
        if (c == '#') {
            return true;
        }
        if (c == '-' && s.startsWith("--", pos)) {
            if (pos + 2 >= s.length()) {
                return true;
            }
            char n = s.charAt(pos + 2);
            return n == ' ' || n == '\t' || n == '\n' || n == '\r';
        }
        return false;
    }

    private boolean isPlainBlockComment() {
        return s.startsWith("/*", pos) && !s.startsWith("/*!", pos) && !s.startsWith("/*M!", pos);
    }

    private void skipLineComment() {
        while (pos < s.length() && s.charAt(pos) != '\n') {
            advance(1);
        }
    }

    private void copyLineComment() {
        int start = pos;
        skipLineComment();
        current.append(s, start, pos);
    }

    /** Past the closing {@code *}{@code /}; quotes inside executable comments are SQL and may hide one. */
    private void skipBlockComment(boolean executableAware) {
        int openLine = line;
        boolean executable = executableAware && !isPlainBlockComment();
        advance(2);
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '*' && s.startsWith("*/", pos)) {
                advance(2);
                return;
            }
            if (executable && (c == '\'' || c == '"' || c == '`')) {
                int before = current.length();
                copyQuoted(c);
                current.setLength(before); // the caller copies the whole comment
            } else {
                advance(1);
            }
        }
        throw new UnterminatedException("comment", openLine);
    }

    private void copyQuoted(char q) {
        int openLine = line;
        int start = pos;
        advance(1);
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '\\' && q != '`' && pos + 1 < s.length()) {
                advance(2);
            } else if (c == q) {
                if (pos + 1 < s.length() && s.charAt(pos + 1) == q) {
                    advance(2);
                } else {
                    advance(1);
                    current.append(s, start, pos);
                    return;
                }
            } else {
                advance(1);
            }
        }
        throw new UnterminatedException(q == '`' ? "quoted identifier" : "string", openLine);
    }

    private boolean isDelimiterCommand() {
        int n = "DELIMITER".length();
        return s.regionMatches(true, pos, "DELIMITER", 0, n)
                && pos + n < s.length() && (s.charAt(pos + n) == ' ' || s.charAt(pos + n) == '\t');
    }

    private void readDelimiterCommand() {
        int commandLine = line;
        int end = s.indexOf('\n', pos);
        if (end < 0) {
            end = s.length();
        }
        String arg = s.substring(pos + "DELIMITER".length(), end).strip();
        String[] parts = arg.split("\\s+");
        if (arg.isEmpty() || parts[0].isEmpty()) {
            throw new IllegalArgumentException("line " + commandLine + ": DELIMITER needs a delimiter");
        }
        delimiter = parts[0];
        advance(end - pos);
    }
}
