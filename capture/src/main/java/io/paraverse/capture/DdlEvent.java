package io.paraverse.capture;

import io.paraverse.translator.SourcePosition;

/**
 * A schema change (or other non-row statement) on the source that concerns captured schemas, in stream order.
 * Row changes after it use the new table shapes (capture rebuilds table definitions from the next table maps).
 *
 * @param schema        the statement's default schema (may be empty)
 * @param sql           the statement text as logged
 * @param position      where it sits in the binlog (its GTID and the position after its transaction)
 * @param timestampMillis the source's event time (second precision)
 */
public record DdlEvent(String schema, String sql, SourcePosition position, long timestampMillis) {
}
