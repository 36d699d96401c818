package io.paraverse.translator;

/**
 * A schema change (DDL) on the source during a migration, as the binlog logged it. Under the "translator" DDL policy
 * the translators are asked whether they cope with the rows that follow it ({@link Translator#acceptsSchemaChange}).
 *
 * @param schema   the statement's default schema (may be empty)
 * @param sql      the statement text
 * @param position where it sits in the source binlog
 */
public record SchemaChange(String schema, String sql, SourcePosition position) {
}
