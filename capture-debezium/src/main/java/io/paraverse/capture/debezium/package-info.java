/**
 * Capture through Debezium: {@link io.paraverse.capture.debezium.DebeziumTopicCapture} reads the change events a
 * Kafka Connect + Debezium MySQL/MariaDB deployment writes to Kafka; {@link io.paraverse.capture.debezium.DebeziumEngineCapture}
 * runs Debezium's embedded engine in-process. Both deliver the {@link io.paraverse.translator.RowChange}s and
 * {@link io.paraverse.translator.Commit}s {@code BinlogCapture} delivers, to a {@link io.paraverse.capture.ChangeSink}.
 *
 * <p>Internals: {@code ChangeEventDecoder} parses the JSON envelope (with or without schemas) into
 * {@code ChangeEvent}s, typed by {@code SourceTables} (information_schema, or Debezium's in-stream schema history) and
 * converted by {@code ValueConverter}; {@code TransactionDelivery} hands complete transactions to the sink with GTID
 * positions and skips what the resume position covers; {@code TopicOffsets} keeps our consumer offsets;
 * {@code EmbeddedEngine} runs the engine. See the module README for setup and limits.
 */
package io.paraverse.capture.debezium;
