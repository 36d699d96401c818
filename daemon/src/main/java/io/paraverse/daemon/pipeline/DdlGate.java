package io.paraverse.daemon.pipeline;

import io.paraverse.capture.DdlEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The default policy for schema changes on the source during a migration: stop at the first one. A DDL statement can
 * change what the following row changes mean (a renamed column, a new table), and the translators were written for
 * the schema before it; nothing after it is journaled until an operator has looked at it and acknowledged that
 * GTID (having adjusted the clone or the translators). Acknowledged statements pass.
 */
public final class DdlGate {
    private static final Logger log = LoggerFactory.getLogger(DdlGate.class);
    private final Set<String> acknowledged;
    private final java.util.function.Predicate<DdlEvent> translatorHook;
    private final AtomicReference<DdlEvent> blocked = new AtomicReference<>();

    /** @param acknowledgedGtids GTIDs of DDL statements the operator has let through */
    public DdlGate(Set<String> acknowledgedGtids) {
        this(acknowledgedGtids, ddl -> false);
    }

    /**
     * @param translatorHook the "translator" policy: a DDL the current translators accept passes (default policy: none
     *                       does)
     */
    public DdlGate(Set<String> acknowledgedGtids, java.util.function.Predicate<DdlEvent> translatorHook) {
        this.acknowledged = Set.copyOf(acknowledgedGtids);
        this.translatorHook = translatorHook;
    }

    /** True if the DDL may pass; otherwise the gate closes (and stays closed) at it. */
    boolean admit(DdlEvent ddl) {
        String gtid = ddl.position().gtid();
        if (gtid != null && acknowledged.contains(gtid)) {
            log.warn("source DDL at GTID {} passes (acknowledged by the operator): {}", gtid, abbreviate(ddl.sql()));
            return true;
        }
        if (translatorHook.test(ddl)) {
            log.warn("source DDL at GTID {} passes: the translators accept it (DDL policy 'translator'): {}", gtid, abbreviate(ddl.sql()));
            return true;
        }
        if (blocked.compareAndSet(null, ddl)) {
            log.error("source DDL at GTID {} ({}:{}) in schema '{}': {} -- capture stops before it until an operator acknowledges"
                    + " it", gtid, ddl.position().binlogFile(), ddl.position().binlogPos(), ddl.schema(), abbreviate(ddl.sql()));
        }
        return false;
    }

    /** The DDL capture stopped at, if any. */
    public DdlEvent blocked() {
        return blocked.get();
    }

    boolean closed() {
        return blocked.get() != null;
    }

    private static String abbreviate(String sql) {
        return sql.length() > 500 ? sql.substring(0, 500) + "..." : sql;
    }
}
