package io.paraverse.clone;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Copies schema definitions from a MariaDB source to a target: each included database with its default charset and
 * collation, and every included base table verbatim from {@code SHOW CREATE TABLE} (indexes, charsets, collations,
 * AUTO_INCREMENT kept). {@link #copy} creates no views, triggers, routines, events or sequences: it lists them in
 * {@link Result#skipped()} as "skipped: &lt;kind&gt; &lt;name&gt;".
 * <p>
 * {@link #copyProgrammableObjects}, run after the data copy, creates the stored procedures and functions (with the
 * sql_mode they were created under) and the views (in dependency order); a DEFINER account missing on the target
 * becomes CURRENT_USER, reported. Triggers and events are never created there: during catch-up a trigger would fire
 * again on changes the applier replays and an event would write on its own. Their DDL is returned as
 * {@link DeferredObject}s to create at cutover ("deferred: trigger db.t (created at cutover)"). Sequences stay
 * skipped. Nothing is dropped silently.
 * <p>
 * Refuses, naming schema.table, a table without a primary key and a non-InnoDB table (no consistent read) unless
 * {@link Options#allowNoPrimaryKey} / {@link Options#allowNonInnoDb} are set, and a target schema that already holds
 * tables unless {@link Options#overwrite} is set (then the included tables are dropped and recreated). A table
 * without primary key copied anyway is reported in {@link Result#warnings()}: catch-up cannot apply updates and
 * deletes to it reliably.
 * <p>
 * Include patterns: {@code "db"} or {@code "db.*"} for a whole database, {@code "db.table"} for one table.
 */
public final class SchemaCopier {
    private static final Logger log = LoggerFactory.getLogger(SchemaCopier.class);

    /** Options; immutable, use the {@code with...} methods. */
    public record Options(List<String> include, boolean overwrite, boolean allowNoPrimaryKey, boolean allowNonInnoDb) {
        public Options {
            include = List.copyOf(include);
            if (include.isEmpty()) {
                throw new IllegalArgumentException("include: name at least one schema (\"db\", \"db.*\" or \"db.table\")");
            }
        }

        public static Options of(String... include) {
            return new Options(List.of(include), false, false, false);
        }

        public Options withOverwrite(boolean v) { return new Options(include, v, allowNoPrimaryKey, allowNonInnoDb); }
        public Options withAllowNoPrimaryKey(boolean v) { return new Options(include, overwrite, v, allowNonInnoDb); }
        public Options withAllowNonInnoDb(boolean v) { return new Options(include, overwrite, allowNoPrimaryKey, v); }
    }

    /** The tables created (in creation order), the objects not copied and warnings about tables copied anyway. */
    public record Result(List<TableRef> tables, List<String> skipped, List<String> warnings) {
        public Result {
            tables = List.copyOf(tables);
            skipped = List.copyOf(skipped);
            warnings = List.copyOf(warnings);
        }

        public Result(List<TableRef> tables, List<String> skipped) {
            this(tables, skipped, List.of());
        }
    }

    /**
     * What {@link #copyProgrammableObjects} did, one line per object ("created: view db.v", "definer rewritten: ...",
     * "deferred: trigger db.t (created at cutover)", "not created: ..."), and the triggers and events for cutover.
     */
    public record ObjectsResult(List<String> report, List<DeferredObject> deferred) {
        public ObjectsResult {
            report = List.copyOf(report);
            deferred = List.copyOf(deferred);
        }
    }

    private SchemaCopier() {
    }

    /** Resolves the include patterns on the source: schema → tables (null = the whole schema). */
    static Map<String, Set<String>> parse(List<String> include) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String p : include) {
            String s = p.trim();
            int dot = s.indexOf('.');
            String schema = dot < 0 ? s : s.substring(0, dot);
            String table = dot < 0 ? "*" : s.substring(dot + 1);
            if (schema.isEmpty() || table.isEmpty() || schema.contains("*")) {
                throw new IllegalArgumentException("include pattern '" + p + "': use \"db\", \"db.*\" or \"db.table\"");
            }
            if (table.equals("*")) {
                out.put(schema, null);
            } else if (!out.containsKey(schema) || out.get(schema) != null) {
                out.computeIfAbsent(schema, k -> new LinkedHashSet<>()).add(table);
            }
        }
        return out;
    }

    /** Inspects the source and checks the refusal rules, creating nothing. */
    public static Result plan(Connection source, Options options) throws SQLException {
        List<TableRef> tables = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : parse(options.include()).entrySet()) {
            String schema = e.getKey();
            Set<String> only = e.getValue();
            if (!schemaExists(source, schema)) {
                throw new CloneException("source schema " + schema + " does not exist");
            }
            Set<String> found = new LinkedHashSet<>();
            try (PreparedStatement ps = source.prepareStatement(
                    "SELECT TABLE_NAME, TABLE_TYPE, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA=? ORDER BY TABLE_NAME")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String name = rs.getString(1);
                        String type = rs.getString(2);
                        String engine = rs.getString(3);
                        if (only != null && !only.contains(name)) {
                            continue;
                        }
                        found.add(name);
                        TableRef t = new TableRef(schema, name);
                        switch (type) {
                            case "BASE TABLE" -> {
                                boolean hasKey = hasPrimaryKey(source, t);
                                if (!"InnoDB".equalsIgnoreCase(engine) && !options.allowNonInnoDb()) {
                                    refusals.add("table " + t + " uses engine " + engine
                                            + ", not InnoDB: it cannot be read in a consistent snapshot; clone it with"
                                            + " SnapshotClone.Options.withSnapshotMethod(SnapshotMethod.GLOBAL_READ_LOCK), which holds"
                                            + " the global read lock for the whole copy (or allowNonInnoDb to copy it anyway)");
                                } else if (!hasKey && !options.allowNoPrimaryKey()) {
                                    refusals.add("table " + t + " has no primary key: it cannot be copied in key order nor"
                                            + " replicated reliably (allowNoPrimaryKey to copy it anyway)");
                                } else if (!hasKey) {
                                    warnings.add("table " + t + " has no primary key: copied, but catch-up cannot apply updates/deletes"
                                            + " to it reliably");
                                }
                                tables.add(t);
                            }
                            case "VIEW" -> skipped.add("skipped: view " + t);
                            case "SEQUENCE" -> skipped.add("skipped: sequence " + t);
                            default -> skipped.add("skipped: " + type.toLowerCase(java.util.Locale.ROOT) + " " + t);
                        }
                    }
                }
            }
            if (only != null) {
                for (String name : only) {
                    if (!found.contains(name)) {
                        throw new CloneException("source table " + schema + "." + name + " does not exist");
                    }
                }
            }
            listSkipped(source, "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA=?"
                    + " ORDER BY TRIGGER_NAME", schema, rs -> only == null || only.contains(rs.getString(2)) ? "trigger" : null, skipped);
            if (only == null) {
                listSkipped(source, "SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA=?"
                        + " ORDER BY ROUTINE_NAME", schema, rs -> rs.getString(2).toLowerCase(java.util.Locale.ROOT), skipped);
                listSkipped(source, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA=? ORDER BY EVENT_NAME",
                        schema, rs -> "event", skipped);
            }
        }
        if (!refusals.isEmpty()) {
            throw new CloneException("refusing to clone: " + String.join("; ", refusals));
        }
        return new Result(tables, skipped, warnings);
    }

    /** Creates the included databases and tables on the target; returns what was created and what was skipped. */
    public static Result copy(Connection source, Connection target, Options options) throws SQLException {
        Result plan = plan(source, options);
        Map<String, List<TableRef>> bySchema = new LinkedHashMap<>();
        for (String schema : parse(options.include()).keySet()) {
            bySchema.put(schema, new ArrayList<>());
        }
        plan.tables().forEach(t -> bySchema.get(t.schema()).add(t));
        // refuse before creating anything
        for (String schema : bySchema.keySet()) {
            if (!options.overwrite()) {
                List<String> existing = targetTables(target, schema);
                if (!existing.isEmpty()) {
                    throw new CloneException("target schema " + schema + " is not empty (" + existing.size() + " table(s), e.g. "
                            + schema + "." + existing.get(0) + "); set overwrite to replace the cloned tables");
                }
            }
        }
        try (Statement src = source.createStatement(); Statement tgt = target.createStatement()) {
            // SHOW CREATE TABLE as plain MariaDB syntax, whatever the server's default sql_mode
            src.execute("SET SESSION sql_mode='NO_ENGINE_SUBSTITUTION', SESSION sql_quote_show_create=1");
            tgt.execute("SET SESSION foreign_key_checks=0, SESSION sql_mode='NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'");
            for (Map.Entry<String, List<TableRef>> e : bySchema.entrySet()) {
                String schema = e.getKey();
                String[] cs = schemaCharset(source, schema);
                tgt.execute("CREATE DATABASE IF NOT EXISTS " + TableRef.quote(schema) + " CHARACTER SET " + cs[0] + " COLLATE " + cs[1]);
                if (options.overwrite()) {
                    tgt.execute("ALTER DATABASE " + TableRef.quote(schema) + " CHARACTER SET " + cs[0] + " COLLATE " + cs[1]);
                }
                tgt.execute("USE " + TableRef.quote(schema));
                for (TableRef t : e.getValue()) {
                    String ddl;
                    try (ResultSet rs = src.executeQuery("SHOW CREATE TABLE " + t.quoted())) {
                        rs.next();
                        ddl = rs.getString(2);
                    }
                    if (options.overwrite()) {
                        tgt.execute("DROP TABLE IF EXISTS " + t.quoted());
                    }
                    try {
                        tgt.execute(ddl);
                    } catch (SQLException ex) {
                        throw new CloneException("cannot create table " + t + " on the target: " + ex.getMessage(), ex);
                    }
                    log.info("created table {}", t);
                }
            }
        }
        for (String s : plan.skipped()) {
            if (PROGRAMMABLE.matcher(s).lookingAt()) {
                log.info("{} by the table copy: left to copyProgrammableObjects (views and routines after the data,"
                        + " triggers and events deferred to cutover)", s);
            } else {
                log.warn("{} (not copied by the snapshot clone: create it on the target yourself)", s);
            }
        }
        for (String w : plan.warnings()) {
            log.warn("{}", w);
        }
        return plan;
    }

    /** The "skipped: ..." lines of {@link Result#skipped()} that {@link #copyProgrammableObjects} takes care of. */
    static final java.util.regex.Pattern PROGRAMMABLE = java.util.regex.Pattern.compile("skipped: (view|trigger|procedure|function|event) ");

    /**
     * After the data copy: creates the included schemas' stored procedures and functions and views on the target, and
     * reads their triggers and events for cutover (see the class comment). For a "db.table" pattern only views named
     * in it and triggers of its tables are handled; routines and events belong to whole-schema patterns. An object
     * the target rejects is reported as "not created: ..." and logged at WARN, the others are still created.
     */
    public static ObjectsResult copyProgrammableObjects(Connection source, Connection target, Options options) throws SQLException {
        return new ProgrammableObjectCopier(source, target, options).run();
    }

    /** The tables of {@code tables} whose engine is not InnoDB, with their engine ("db.t (MyISAM)"). */
    static List<String> nonInnoDb(Connection c, List<TableRef> tables) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA=? AND TABLE_NAME=?")) {
            for (TableRef t : tables) {
                ps.setString(1, t.schema());
                ps.setString(2, t.table());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && !"InnoDB".equalsIgnoreCase(rs.getString(1))) {
                        out.add(t + " (" + rs.getString(1) + ")");
                    }
                }
            }
        }
        return out;
    }

    private interface Kind {
        String of(ResultSet rs) throws SQLException;
    }

    private static void listSkipped(Connection c, String sql, String schema, Kind kind, List<String> out) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String k = kind.of(rs);
                    if (k != null) {
                        out.add("skipped: " + k + " " + schema + "." + rs.getString(1));
                    }
                }
            }
        }
    }

    static boolean schemaExists(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME=?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String[] schemaCharset(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME=?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new CloneException("source schema " + schema + " does not exist");
                }
                return new String[] {rs.getString(1), rs.getString(2)};
            }
        }
    }

    private static List<String> targetTables(Connection c, String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA=? ORDER BY TABLE_NAME")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    static boolean hasPrimaryKey(Connection c, TableRef t) throws SQLException {
        return !primaryKey(c, t).isEmpty();
    }

    /** Primary-key columns in key order (empty if none). */
    static List<String> primaryKey(Connection c, TableRef t) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA=? AND TABLE_NAME=? AND INDEX_NAME='PRIMARY' ORDER BY SEQ_IN_INDEX")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
