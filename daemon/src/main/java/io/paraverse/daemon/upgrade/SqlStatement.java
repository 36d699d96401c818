package io.paraverse.daemon.upgrade;

/** One statement of an SQL script, without its delimiter, and the 1-based line where it starts (for errors). */
public record SqlStatement(String sql, int line) {
    /** The statement's first line, shortened, for progress output. */
    public String firstLine(int maxChars) {
        int nl = sql.indexOf('\n');
        String first = (nl < 0 ? sql : sql.substring(0, nl)).strip();
        boolean more = nl >= 0 || first.length() > maxChars;
        if (first.length() > maxChars) {
            first = first.substring(0, maxChars);
        }
        return more ? first + " …" : first;
    }
}
