package io.paraverse.translator;

import java.util.Objects;

/**
 * One column of a table: its name, SQL type, signedness (integers) and character set (character types;
 * null otherwise). Java value types per SQL type are listed on {@link SqlType}.
 */
public record Column(String name, SqlType type, boolean unsigned, String charset) {
    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    public static Column of(String name, SqlType type) {
        return new Column(name, type, false, null);
    }
}
