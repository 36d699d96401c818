package io.paraverse.capture.debezium;

import io.paraverse.translator.Column;

/**
 * A column as the source's information_schema describes it: what the change stream's {@link Column} carries, plus
 * what decoding Debezium's values needs (DECIMAL scale, fractional-second digits, BIT and BINARY lengths).
 *
 * @param column the column as {@link io.paraverse.translator.TableDef} carries it
 * @param scale  DECIMAL scale (0 otherwise)
 * @param fsp    fractional-second digits of TIME/DATETIME/TIMESTAMP (0 otherwise)
 * @param length BIT width in bits, BINARY(n) width in bytes (0 otherwise)
 */
record ColumnInfo(Column column, int scale, int fsp, int length) {
    String name() {
        return column.name();
    }
}
