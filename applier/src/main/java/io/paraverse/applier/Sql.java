package io.paraverse.applier;

/** SQL text helpers. */
final class Sql {
    private Sql() { }

    /** A MariaDB identifier in backquotes. */
    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    /** A string literal for trusted, validated text (option values), in single quotes. */
    static String literal(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** Runs DDL statements in autocommit mode (DDL would implicitly commit an open transaction). */
    static void ddl(java.sql.Connection c, String... statements) throws java.sql.SQLException {
        boolean auto = c.getAutoCommit();
        try (java.sql.Statement st = c.createStatement()) {
            if (!auto) {
                c.rollback();
                c.setAutoCommit(true);
            }
            for (String sql : statements) {
                st.execute(sql);
            }
        } finally {
            if (!auto) {
                c.setAutoCommit(false);
            }
        }
    }
}
