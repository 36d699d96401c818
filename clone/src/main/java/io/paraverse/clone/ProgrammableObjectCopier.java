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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The step after the data copy ({@link SchemaCopier#copyProgrammableObjects}): stored routines, then views (in
 * dependency order), created on the target; triggers and events only read and returned as {@link DeferredObject}s.
 * A DEFINER that does not exist on the target becomes CURRENT_USER, and that is reported.
 */
final class ProgrammableObjectCopier {
    private static final Logger log = LoggerFactory.getLogger(ProgrammableObjectCopier.class);
    /** The DEFINER clause of SHOW CREATE output: `user`@`host`, or `role` without host. */
    private static final Pattern DEFINER = Pattern.compile("DEFINER\\s*=\\s*(`(?:[^`]|``)*`(?:@`(?:[^`]|``)*`)?)");
    private static final int ER_NO_SUCH_TABLE = 1146;
    private static final int ER_VIEW_INVALID = 1356;
    private static final int ER_SP_DOES_NOT_EXIST = 1305;

    private final Connection source;
    private final Connection target;
    private final SchemaCopier.Options options;
    private final List<String> report = new ArrayList<>();
    private final List<DeferredObject> deferred = new ArrayList<>();
    private final Map<String, Boolean> definerExists = new LinkedHashMap<>();

    ProgrammableObjectCopier(Connection source, Connection target, SchemaCopier.Options options) {
        this.source = source;
        this.target = target;
        this.options = options;
    }

    SchemaCopier.ObjectsResult run() throws SQLException {
        String targetMode;
        try (Statement t = target.createStatement(); ResultSet rs = t.executeQuery("SELECT @@SESSION.sql_mode")) {
            rs.next();
            targetMode = rs.getString(1);
        }
        try (Statement s = source.createStatement()) {
            s.execute("SET SESSION sql_mode='NO_ENGINE_SUBSTITUTION', SESSION sql_quote_show_create=1");
        }
        try {
            for (Map.Entry<String, Set<String>> e : SchemaCopier.parse(options.include()).entrySet()) {
                String schema = e.getKey();
                Set<String> only = e.getValue();
                if (only == null) { // routines and events belong to the schema, not to a table
                    for (String[] r : list("SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA=?"
                            + " ORDER BY ROUTINE_NAME", schema)) {
                        copyRoutine(schema, r[0], r[1].toUpperCase(Locale.ROOT));
                    }
                }
                List<String> views = new ArrayList<>();
                for (String[] v : list("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA=? AND TABLE_TYPE='VIEW'"
                        + " ORDER BY TABLE_NAME", schema)) {
                    if (only == null || only.contains(v[0])) {
                        views.add(v[0]);
                    }
                }
                copyViews(schema, views);
                for (String[] t : list("SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA=?"
                        + " ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER", schema)) {
                    if (only == null || only.contains(t[1])) {
                        defer("trigger", schema, t[0]);
                    }
                }
                if (only == null) {
                    for (String[] ev : list("SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA=? ORDER BY EVENT_NAME", schema)) {
                        defer("event", schema, ev[0]);
                    }
                }
            }
        } finally {
            try (PreparedStatement ps = target.prepareStatement("SET SESSION sql_mode=?")) {
                ps.setString(1, targetMode);
                ps.execute();
            }
        }
        return new SchemaCopier.ObjectsResult(report, deferred);
    }

    private void copyRoutine(String schema, String name, String type) throws SQLException {
        String what = type.toLowerCase(Locale.ROOT) + " " + schema + "." + name;
        if (!type.equals("PROCEDURE") && !type.equals("FUNCTION")) {
            note("skipped: " + what + " (only procedures and functions are copied: create it on the target yourself)");
            return;
        }
        String mode;
        String ddl;
        try (Statement s = source.createStatement();
             ResultSet rs = s.executeQuery("SHOW CREATE " + type + " " + TableRef.quote(schema) + "." + TableRef.quote(name))) {
            rs.next();
            mode = rs.getString(2);
            ddl = rs.getString(3);
        }
        if (ddl == null) { // SHOW CREATE shows the body only to the definer or to who can read mysql.proc
            throw new CloneException("cannot read the definition of " + what + ": the source user may not see routine bodies."
                    + " Run on the source: GRANT SELECT ON mysql.proc TO " + SourceGrants.currentUser(source));
        }
        ddl = keepOrRewriteDefiner(what, ddl);
        try (Statement t = target.createStatement()) {
            t.execute("USE " + TableRef.quote(schema));
            try (PreparedStatement ps = target.prepareStatement("SET SESSION sql_mode=?")) {
                ps.setString(1, mode); // the routine runs with the sql_mode it was created under
                ps.execute();
            }
            if (options.overwrite()) {
                t.execute("DROP " + type + " IF EXISTS " + TableRef.quote(schema) + "." + TableRef.quote(name));
            }
            t.execute(ddl);
            note("created: " + what);
        } catch (SQLException e) {
            warn("not created: " + what + " (" + e.getMessage() + "): create it on the target yourself");
        }
    }

    /** Creates views, retrying those that reference a view not created yet until a pass makes no progress. */
    private void copyViews(String schema, List<String> views) throws SQLException {
        Map<String, String> pending = new LinkedHashMap<>();
        for (String v : views) {
            try (Statement s = source.createStatement();
                 ResultSet rs = s.executeQuery("SHOW CREATE VIEW " + TableRef.quote(schema) + "." + TableRef.quote(v))) {
                rs.next();
                pending.put(v, keepOrRewriteDefiner("view " + schema + "." + v, rs.getString(2)));
            }
        }
        Map<String, String> lastError = new LinkedHashMap<>();
        try (Statement t = target.createStatement()) {
            t.execute("SET SESSION sql_mode='NO_ENGINE_SUBSTITUTION'");
            t.execute("USE " + TableRef.quote(schema));
            boolean progress = true;
            while (!pending.isEmpty() && progress) {
                progress = false;
                for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<String, String> v = it.next();
                    try {
                        if (options.overwrite()) {
                            t.execute("DROP VIEW IF EXISTS " + TableRef.quote(schema) + "." + TableRef.quote(v.getKey()));
                        }
                        t.execute(v.getValue());
                        note("created: view " + schema + "." + v.getKey());
                        it.remove();
                        progress = true;
                    } catch (SQLException e) {
                        int code = e.getErrorCode();
                        if (code != ER_NO_SUCH_TABLE && code != ER_VIEW_INVALID && code != ER_SP_DOES_NOT_EXIST) {
                            warn("not created: view " + schema + "." + v.getKey() + " (" + e.getMessage() + "): create it on the target yourself");
                            it.remove();
                        } else {
                            lastError.put(v.getKey(), e.getMessage()); // may reference a view of a later pass
                        }
                    }
                }
            }
        }
        for (String v : pending.keySet()) {
            warn("not created: view " + schema + "." + v + " (" + lastError.get(v) + "): create it on the target yourself");
        }
    }

    private void defer(String kind, String schema, String name) throws SQLException {
        String q = "SHOW CREATE " + kind.toUpperCase(Locale.ROOT) + " " + TableRef.quote(schema) + "." + TableRef.quote(name);
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery(q)) {
            rs.next();
            DeferredObject d = kind.equals("event")
                    ? new DeferredObject(kind, schema, name, rs.getString("sql_mode"), rs.getString("time_zone"), rs.getString("Create Event"))
                    : new DeferredObject(kind, schema, name, rs.getString("sql_mode"), null, rs.getString("SQL Original Statement"));
            if (d.ddl() == null) {
                throw new CloneException("cannot read the definition of " + d + " on the source");
            }
            deferred.add(d);
            note("deferred: " + d + " (created at cutover)");
        }
    }

    /** Keeps the DEFINER if that account exists on the target, else rewrites it to CURRENT_USER and reports it. */
    private String keepOrRewriteDefiner(String what, String ddl) {
        Matcher m = DEFINER.matcher(ddl);
        if (!m.find()) {
            return ddl;
        }
        String definer = m.group(1);
        if (definerExists.computeIfAbsent(definer, this::existsOnTarget)) {
            return ddl;
        }
        note("definer rewritten: " + what + " DEFINER=" + definer + " -> CURRENT_USER (no such account on the target)");
        return ddl.substring(0, m.start()) + "DEFINER=CURRENT_USER" + ddl.substring(m.end());
    }

    private boolean existsOnTarget(String definer) {
        String user;
        String host;
        int at = definer.indexOf("`@`");
        if (at < 0) {
            user = unquote(definer);
            host = ""; // a role
        } else {
            user = unquote(definer.substring(0, at + 1));
            host = unquote(definer.substring(at + 2));
        }
        try (PreparedStatement ps = target.prepareStatement("SELECT 1 FROM mysql.user WHERE User=? AND Host=?")) {
            ps.setString(1, user);
            ps.setString(2, host);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            log.debug("cannot look up {} on the target ({}): rewriting it", definer, e.toString());
            return false;
        }
    }

    private static String unquote(String q) {
        return q.substring(1, q.length() - 1).replace("``", "`");
    }

    private List<String[]> list(String sql, String schema) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = source.prepareStatement(sql)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    String[] row = new String[n];
                    for (int i = 0; i < n; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    private void note(String line) {
        report.add(line);
        log.info("{}", line);
    }

    private void warn(String line) {
        report.add(line);
        log.warn("{}", line);
    }
}
