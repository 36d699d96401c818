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
 * AUTO_INCREMENT kept). Views, triggers, routines, events and sequences are not copied: they are listed in
 * {@link Result#skipped()} as "skipped: &lt;kind&gt; &lt;name&gt;" and logged at WARN.
 * <p>
 * Refuses, naming schema.table, a table without a primary key and a non-InnoDB table (no consistent read) unless
 * {@link Options#allowNoPrimaryKey} / {@link Options#allowNonInnoDb} are set, and a target schema that already holds
 * tables unless {@link Options#overwrite} is set (then the included tables are dropped and recreated).
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

    /** The tables created (in creation order) and the objects not copied. */
    public record Result(List<TableRef> tables, List<String> skipped) {
        public Result {
            tables = List.copyOf(tables);
            skipped = List.copyOf(skipped);
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
                                if (!"InnoDB".equalsIgnoreCase(engine) && !options.allowNonInnoDb()) {
                                    refusals.add("table " + t + " uses engine " + engine
                                            + ", not InnoDB: it cannot be read in a consistent snapshot (allowNonInnoDb to copy it anyway)");
                                } else if (!hasPrimaryKey(source, t) && !options.allowNoPrimaryKey()) {
                                    refusals.add("table " + t + " has no primary key: it cannot be copied in key order nor"
                                            + " replicated reliably (allowNoPrimaryKey to copy it anyway)");
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
        return new Result(tables, skipped);
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
            log.warn("{} (not copied by the snapshot clone: create it on the target yourself)", s);
        }
        return plan;
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
