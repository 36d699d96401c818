package io.paraverse.clone;

import java.util.Objects;

/** A table on the source: schema and name. */
public record TableRef(String schema, String table) {
    public TableRef {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
    }

    /** Backquoted {@code `schema`.`table`}. */
    public String quoted() {
        return quote(schema) + "." + quote(table);
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }
}
