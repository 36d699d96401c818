package io.paraverse.translator;

/**
 * The SQL type of a column as the change stream carries it, and the Java type of its values.
 *
 * <p>Values are plain, immutable-by-convention Java objects so translators need no driver classes:
 * <ul>
 *   <li>integer types and {@code YEAR}: {@link Long}; {@code BIGINT UNSIGNED}: {@link java.math.BigInteger}</li>
 *   <li>{@code DECIMAL}: {@link java.math.BigDecimal}; {@code FLOAT}: {@link Float}; {@code DOUBLE}: {@link Double}</li>
 *   <li>{@code BIT}: {@link Long} holding the bits</li>
 *   <li>temporal types: {@link String} in the server's literal form, so zero dates survive:
 *       {@code DATE} "2024-02-29", {@code TIME} "-838:59:59.000000", {@code DATETIME} "2024-02-29 13:45:00.123456";
 *       {@code TIMESTAMP} is rendered in UTC</li>
 *   <li>character types, {@code ENUM}, {@code SET}, {@code JSON}: {@link String}</li>
 *   <li>binary types and {@code GEOMETRY}: {@code byte[]} (never modify it)</li>
 * </ul>
 * SQL NULL is Java {@code null}.
 */
public enum SqlType {
    TINYINT, SMALLINT, MEDIUMINT, INT, BIGINT, YEAR,
    DECIMAL, FLOAT, DOUBLE, BIT,
    DATE, TIME, DATETIME, TIMESTAMP,
    CHAR, VARCHAR, TEXT, ENUM, SET, JSON,
    BINARY, VARBINARY, BLOB, GEOMETRY;

    public boolean isInteger() {
        return this == TINYINT || this == SMALLINT || this == MEDIUMINT || this == INT || this == BIGINT || this == YEAR;
    }

    public boolean isTemporal() {
        return this == DATE || this == TIME || this == DATETIME || this == TIMESTAMP;
    }

    public boolean isBinary() {
        return this == BINARY || this == VARBINARY || this == BLOB || this == GEOMETRY;
    }
}
