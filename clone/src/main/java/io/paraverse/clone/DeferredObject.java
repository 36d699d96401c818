package io.paraverse.clone;

import java.util.Objects;

/**
 * A trigger or event read from the source but not created on the target: during catch-up the applier replays row
 * changes as a normal client, so a trigger would fire a second time on effects already replayed, and an event would
 * write on its own. Create it at cutover, once catch-up has stopped: {@code USE schema}, {@code SET SESSION
 * sql_mode=sqlMode} (and {@code time_zone=timeZone} for an event), then {@code ddl}.
 *
 * @param kind     "trigger" or "event"
 * @param timeZone the event's time zone (schedules are interpreted in it); null for a trigger
 * @param ddl      the {@code CREATE ...} statement exactly as the source shows it (DEFINER kept)
 */
public record DeferredObject(String kind, String schema, String name, String sqlMode, String timeZone, String ddl) {
    public DeferredObject {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ddl, "ddl");
        sqlMode = sqlMode == null ? "" : sqlMode;
    }

    @Override
    public String toString() {
        return kind + " " + schema + "." + name;
    }
}
