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
}
