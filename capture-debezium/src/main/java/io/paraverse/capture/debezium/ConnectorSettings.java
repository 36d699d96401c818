package io.paraverse.capture.debezium;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How the Debezium connector that wrote the change events was configured, where the events themselves do not say
 * (JSON without schemas): the value encodings of DECIMAL, TIME/DATETIME, binary columns and BIGINT UNSIGNED.
 * When events carry schemas, their logical type names take precedence and these settings are checked against them.
 *
 * @param decimalHandling        Debezium's {@code decimal.handling.mode}: {@code precise} or {@code string}
 *                               ({@code double} loses digits and is refused)
 * @param timePrecision          {@code time.precision.mode}: {@code adaptive_time_microseconds} (Debezium's default
 *                               for MySQL/MariaDB) or {@code connect} (exact only for fractional seconds up to 3
 *                               digits; columns with more are refused). {@code isostring} is refused: Debezium writes
 *                               null for TIME values below 00:00:00 or from 24:00:00 on. ({@code adaptive} is no longer
 *                               accepted by the MySQL/MariaDB connectors.)
 * @param binaryHandling         {@code binary.handling.mode}: {@code bytes}, {@code base64}, {@code base64-url-safe}
 *                               or {@code hex}
 * @param bigintUnsignedHandling {@code bigint.unsigned.handling.mode}: {@code long} or {@code precise}
 */
public record ConnectorSettings(String decimalHandling, String timePrecision, String binaryHandling,
                                String bigintUnsignedHandling) {
    public ConnectorSettings {
        decimalHandling = check("decimal.handling.mode", decimalHandling, "precise", "string");
        timePrecision = check("time.precision.mode", timePrecision, "adaptive_time_microseconds", "connect");
        binaryHandling = check("binary.handling.mode", binaryHandling, "bytes", "base64", "base64-url-safe", "hex");
        bigintUnsignedHandling = check("bigint.unsigned.handling.mode", bigintUnsignedHandling, "long", "precise");
    }

    /** Debezium's defaults for the MySQL/MariaDB connectors. */
    public static ConnectorSettings defaults() {
        return new ConnectorSettings("precise", "adaptive_time_microseconds", "bytes", "long");
    }

    /** The settings as a connector configuration states them (absent keys: Debezium's defaults). */
    public static ConnectorSettings from(Map<String, String> connectorConfig) {
        ConnectorSettings d = defaults();
        return new ConnectorSettings(
                connectorConfig.getOrDefault("decimal.handling.mode", d.decimalHandling),
                connectorConfig.getOrDefault("time.precision.mode", d.timePrecision),
                connectorConfig.getOrDefault("binary.handling.mode", d.binaryHandling),
                connectorConfig.getOrDefault("bigint.unsigned.handling.mode", d.bigintUnsignedHandling));
    }

    /** The connector properties that produce these encodings. */
    public Map<String, String> asConnectorConfig() {
        return Map.of("decimal.handling.mode", decimalHandling, "time.precision.mode", timePrecision,
                "binary.handling.mode", binaryHandling, "bigint.unsigned.handling.mode", bigintUnsignedHandling);
    }

    private static String check(String key, String value, String... accepted) {
        Objects.requireNonNull(value, key);
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (String a : accepted) {
            if (a.equals(v)) {
                return v;
            }
        }
        String why = key.equals("decimal.handling.mode") && v.equals("double")
                ? " (double rounds DECIMAL values to 15-17 digits, so they cannot be replayed exactly)"
                : key.equals("time.precision.mode") && v.equals("isostring")
                ? " (Debezium writes null for TIME values below 00:00:00 or from 24:00:00 on)" : "";
        throw new IllegalArgumentException(key + "=" + value + " is not supported" + why + "; use one of "
                + String.join(", ", accepted) + " in the Debezium connector configuration");
    }
}
