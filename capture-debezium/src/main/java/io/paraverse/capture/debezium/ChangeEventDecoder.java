package io.paraverse.capture.debezium;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paraverse.translator.RowChange;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Decodes the value of a Debezium record as the JSON converter writes it, with schemas
 * ({@code {"schema":…,"payload":…}}) or without, into a {@link ChangeEvent}. Row images are typed through the
 * source's table definitions ({@link SourceTables}) and converted by {@link ValueConverter}.
 * Not thread-safe: one capture thread.
 */
final class ChangeEventDecoder {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS); // DECIMAL as JSON numbers must not pass through double

    private final SourceTables tables;
    private final ValueConverter values;

    ChangeEventDecoder(SourceTables tables, ConnectorSettings settings) {
        this.tables = tables;
        this.values = new ValueConverter(settings);
    }

    /**
     * @param topic where the record came from (for messages)
     * @param value the record value, null for a tombstone
     */
    ChangeEvent decode(String topic, String value) {
        return decode(topic, value, gtid -> false);
    }

    /**
     * @param skip GTIDs whose row events need not be typed (already delivered): they decode to {@link ChangeEvent.Ignored},
     *             so old events of a since-altered table do not fail a resume
     */
    ChangeEvent decode(String topic, String value, java.util.function.Predicate<String> skip) {
        if (value == null || value.isEmpty()) {
            return new ChangeEvent.Ignored("tombstone");
        }
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new DebeziumCaptureException("a record on topic " + topic + " is not JSON (" + e.getOriginalMessage()
                    + "): the connector must use org.apache.kafka.connect.json.JsonConverter for values");
        }
        JsonNode schema = null;
        JsonNode payload = root;
        if (root.has("payload") && root.has("schema")) {
            schema = root.get("schema");
            payload = root.get("payload");
        }
        if (payload == null || payload.isNull()) {
            return new ChangeEvent.Ignored("tombstone");
        }
        if (payload.has("op")) {
            String gtid = payload.path("source").path("gtid").asText(null);
            if (gtid != null && skip.test(gtid)) {
                return new ChangeEvent.Ignored("already delivered: " + gtid);
            }
            return row(topic, payload, schema);
        }
        if (payload.has("status") && payload.has("id")) {
            String status = payload.get("status").asText();
            return new ChangeEvent.Boundary("BEGIN".equals(status), payload.get("id").asText(),
                    payload.path("event_count").asLong(0), payload.path("ts_ms").asLong(0));
        }
        if (payload.has("ddl")) {
            String db = payload.path("databaseName").asText("");
            return new ChangeEvent.Ddl(db, payload.get("ddl").asText(), source(payload.path("source")),
                    payload.path("tableChanges"));
        }
        return new ChangeEvent.Ignored("record without op/status/ddl on " + topic);
    }

    private ChangeEvent row(String topic, JsonNode p, JsonNode schema) {
        String opCode = p.get("op").asText();
        JsonNode src = p.path("source");
        String db = src.path("db").asText(null);
        String table = src.path("table").asText(null);
        if (db == null || table == null) {
            throw new DebeziumCaptureException("a change event on topic " + topic + " has no source.db/source.table:"
                    + " is it a Debezium MySQL/MariaDB connector's topic?");
        }
        ChangeEvent.Source source = source(src);
        JsonNode tx = p.path("transaction");
        String txId = tx.isObject() ? tx.path("id").asText(null) : null;
        long order = tx.isObject() ? tx.path("total_order").asLong(0) : 0;
        RowChange.Op op = switch (opCode) {
            case "c", "r" -> RowChange.Op.INSERT;
            case "u" -> RowChange.Op.UPDATE;
            case "d" -> RowChange.Op.DELETE;
            case "t" -> null;
            default -> throw new DebeziumCaptureException("unknown op '" + opCode + "' in a change event of "
                    + db + "." + table + " on topic " + topic);
        };
        SourceTables.Shape shape = tables.shape(db, table);
        if (op == null) {
            return new ChangeEvent.Row(shape.def(), null, null, null, source, txId, order);
        }
        JsonNode before = p.get("before");
        JsonNode after = p.get("after");
        JsonNode image = after != null && !after.isNull() ? after : before;
        if (!sameColumns(shape, image)) {
            // columns added since the event was written (the common online DDL) keep their types: the known
            // definition narrowed to the event's columns describes it; else ask the source again
            SourceTables.Shape narrowed = SourceTables.project(shape, names(image));
            if (narrowed == null) {
                shape = tables.refresh(db, table);
                narrowed = sameColumns(shape, image) ? shape : SourceTables.project(shape, names(image));
            }
            if (narrowed == null) {
                throw new DebeziumCaptureException("a change event of " + db + "." + table + " on topic " + topic
                        + " (gtid " + source.gtid() + ") has columns " + names(image) + " but the source table has "
                        + shape.def().columns().stream().map(c -> c.name()).toList() + ": the table was altered after"
                        + " this event was written, so its values cannot be typed. Replay must start after the DDL.");
            }
            shape = narrowed;
        }
        Map<String, String> logical = logicalNames(schema);
        String where = db + "." + table;
        Object[] b = op == RowChange.Op.INSERT ? null : image(before, shape, logical, where, "before", topic);
        Object[] a = op == RowChange.Op.DELETE ? null : image(after, shape, logical, where, "after", topic);
        return new ChangeEvent.Row(shape.def(), op, b, a, source, txId, order);
    }

    private Object[] image(JsonNode img, SourceTables.Shape shape, Map<String, String> logical, String where,
                           String which, String topic) {
        if (img == null || img.isNull()) {
            throw new DebeziumCaptureException("a change event of " + where + " on topic " + topic + " has no "
                    + which + " image: the source needs binlog_row_image=FULL");
        }
        List<ColumnInfo> cols = shape.columns();
        Object[] r = new Object[cols.size()];
        for (int i = 0; i < r.length; i++) {
            ColumnInfo c = cols.get(i);
            r[i] = values.convert(img.get(c.name()), c, logical.get(c.name()), where + "." + c.name());
        }
        return r;
    }

    private static boolean sameColumns(SourceTables.Shape shape, JsonNode image) {
        if (image == null || image.isNull()) {
            return true;
        }
        if (image.size() != shape.columns().size()) {
            return false;
        }
        for (ColumnInfo c : shape.columns()) {
            if (!image.has(c.name())) {
                return false;
            }
        }
        return true;
    }

    private static List<String> names(JsonNode image) {
        List<String> n = new java.util.ArrayList<>();
        image.fieldNames().forEachRemaining(n::add);
        return n;
    }

    /** Column name → logical type name (io.debezium.time.MicroTime, …) from the envelope's schema, if present. */
    private static Map<String, String> logicalNames(JsonNode schema) {
        Map<String, String> m = new HashMap<>();
        if (schema == null) {
            return m;
        }
        for (JsonNode f : schema.path("fields")) {
            String field = f.path("field").asText();
            if (field.equals("after") || field.equals("before")) {
                for (Iterator<JsonNode> it = f.path("fields").elements(); it.hasNext(); ) {
                    JsonNode c = it.next();
                    // the logical name, else the plain Connect type as "type:<type>"
                    m.put(c.get("field").asText(), c.hasNonNull("name") ? c.get("name").asText()
                            : "type:" + c.path("type").asText());
                }
            }
        }
        return m;
    }

    private static ChangeEvent.Source source(JsonNode s) {
        String gtid = s.path("gtid").asText(null);
        return new ChangeEvent.Source(gtid == null || gtid.isEmpty() ? null : gtid, s.path("file").asText(""),
                s.path("pos").asLong(0), s.path("ts_ms").asLong(0), s.path("snapshot").asText("false"));
    }
}
