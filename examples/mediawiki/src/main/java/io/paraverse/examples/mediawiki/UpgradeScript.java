package io.paraverse.examples.mediawiki;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a SQL script from the classpath statement by statement over JDBC: statements end at a ';' outside quotes
 * ('…', "…", `…`, with backslash and doubled-quote escapes) and comments ({@code -- …}, {@code # …},
 * {@code /* … *}{@code /}); comments are dropped. No DELIMITER support: the scripts here need none.
 */
public final class UpgradeScript {
    /** The 1.4 schema (tables cur and old). */
    public static final String SCHEMA_14 = "mediawiki/schema-1.4.sql";
    /** The 1.5 upgrade (page, revision, text). */
    public static final String UPGRADE_15 = "mediawiki/upgrade-1.5.sql";

    private UpgradeScript() { }

    /** Runs every statement of classpath resource {@code resource} on {@code conn}, in order; stops at the first error. */
    public static void run(Connection conn, String resource) throws SQLException {
        List<String> statements = statements(read(resource));
        try (Statement st = conn.createStatement()) {
            for (int i = 0; i < statements.size(); i++) {
                String sql = statements.get(i);
                try {
                    st.execute(sql);
                } catch (SQLException e) {
                    throw new SQLException(resource + " statement " + (i + 1) + " failed: " + e.getMessage()
                            + "\n" + sql, e.getSQLState(), e.getErrorCode(), e);
                }
            }
        }
    }

    /** The text of a classpath resource (UTF-8). */
    public static String read(String resource) {
        try (InputStream in = UpgradeScript.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no classpath resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits a script into statements (trimmed, comments removed, empty ones skipped). */
    public static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int n = script.length();
        int i = 0;
        while (i < n) {
            char c = script.charAt(i);
            char next = i + 1 < n ? script.charAt(i + 1) : '\0';
            if (c == '\'' || c == '"' || c == '`') {
                int end = i + 1;
                while (end < n) {
                    char d = script.charAt(end);
                    if (d == '\\' && c != '`' && end + 1 < n) {
                        end += 2;
                        continue;
                    }
                    if (d == c) {
                        if (end + 1 < n && script.charAt(end + 1) == c) { // doubled quote
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                if (end >= n) {
                    throw new IllegalArgumentException("unterminated " + c + "-quoted text in script at offset " + i);
                }
                cur.append(script, i, end + 1);
                i = end + 1;
            } else if ((c == '-' && next == '-' && (i + 2 >= n || Character.isWhitespace(script.charAt(i + 2)))) || c == '#') {
                while (i < n && script.charAt(i) != '\n') {
                    i++;
                }
                cur.append(' ');
            } else if (c == '/' && next == '*') {
                int end = script.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated /* comment in script at offset " + i);
                }
                i = end + 2;
                cur.append(' ');
            } else if (c == ';') {
                add(out, cur);
                i++;
            } else {
                cur.append(c);
                i++;
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().trim();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }
}
