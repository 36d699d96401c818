package io.paraverse.capture.debezium;

import io.paraverse.translator.RowChange;
import io.paraverse.translator.TableDef;

/** One decoded Debezium record: a row change, a transaction boundary, a schema change, or nothing to act on. */
sealed interface ChangeEvent {

    /** Where in the source's binlog Debezium read the event ({@code source} block). */
    record Source(String gtid, String file, long pos, long tsMillis, String snapshot) {
        boolean isSnapshot() {
            return snapshot != null && !snapshot.equals("false");
        }
    }

    /**
     * A row change ({@code op} c/u/d/r) or a TRUNCATE ({@code op} t: {@code op} is null, images null).
     *
     * @param transactionId {@code transaction.id} when the connector provides transaction metadata, else null
     * @param totalOrder    {@code transaction.total_order} (1-based), or 0
     */
    record Row(TableDef table, RowChange.Op op, Object[] before, Object[] after, Source source,
               String transactionId, long totalOrder) implements ChangeEvent {
        boolean isTruncate() {
            return op == null;
        }
    }

    /** A record of the transaction metadata topic: BEGIN, or END with the transaction's event count. */
    record Boundary(boolean begin, String transactionId, long eventCount, long tsMillis) implements ChangeEvent {
    }

    /**
     * A record of the schema change topic.
     *
     * @param tableChanges Debezium's {@code tableChanges} array: the tables' definitions after the statement
     */
    record Ddl(String schema, String sql, Source source, com.fasterxml.jackson.databind.JsonNode tableChanges)
            implements ChangeEvent {
    }

    /** A tombstone, heartbeat or other record that changes nothing. */
    record Ignored(String what) implements ChangeEvent {
    }
}
