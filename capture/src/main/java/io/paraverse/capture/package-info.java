/**
 * Capture: streams a MariaDB source's row-based binlog into a {@link io.paraverse.capture.ChangeSink} as
 * {@link io.paraverse.translator.RowChange}s and {@link io.paraverse.translator.Commit}s.
 *
 * <ul>
 *   <li>{@link io.paraverse.capture.CaptureConfig}: where the source is, who to log in as, which tables to keep,
 *       liveness and reconnect timing.</li>
 *   <li>{@link io.paraverse.capture.SourcePreflight}: checks before capture starts that the source can be
 *       captured (binlog settings, GTIDs, grants, primary keys, server ids), each failure saying what to change.</li>
 *   <li>{@link io.paraverse.capture.BinlogCapture}: the stream itself, from a GTID position, with exactly-once
 *       delivery of committed transactions across reconnects.</li>
 * </ul>
 *
 * Internals: {@code CaptureEventDeserializer} narrows mysql-binlog-connector-java to the events capture needs and
 * hands table-map and row events over as raw bytes; {@code TableMapping} builds a
 * {@link io.paraverse.translator.TableDef} and per-column decoders from a table map's
 * {@code binlog_row_metadata=FULL} fields; {@code RowsDecoder} turns row images into the Java values
 * {@link io.paraverse.translator.SqlType} prescribes; {@code Collations} decodes character columns as the server
 * does (MariaDB's latin1 included).
 */
package io.paraverse.capture;
