package io.paraverse.capture;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks over JDBC, before capture starts, that the source can be captured; every failing check says exactly what
 * to change. Checks: binary log on, {@code binlog_format=ROW}, {@code binlog_row_image=FULL},
 * {@code binlog_row_metadata=FULL}, GTIDs (MariaDB: {@code @@gtid_binlog_pos} readable; MySQL:
 * {@code gtid_mode=ON}), uncompressed binlog events (MariaDB), grants (REPLICATION SLAVE; REPLICATION CLIENT or
 * BINLOG MONITOR; SELECT on the captured schemas), a primary key (or a unique key over NOT NULL columns, which the
 * server then logs as the primary key) on every captured table, a source server id that is set and differs from
 * the capture's, and optionally binlog retention.
 *
 * <p>Run it with the capture user's credentials: the grants checked are that user's, and the captured tables are
 * the ones it can see in {@code information_schema} (which shows only tables a user holds some privilege on).
 */
public final class SourcePreflight {
    private static final Pattern GRANT = Pattern.compile(
            "(?is)GRANT\\s+(.+?)\\s+ON\\s+(?:(?:TABLE|FUNCTION|PROCEDURE|PACKAGE(?:\\s+BODY)?)\\s+)?(\\S+)\\s+TO\\s+.*");
    private static final int MAX_LISTED = 50;

    private SourcePreflight() { }

    /** Runs every check over a new connection with the capture's credentials. */
    public static List<PreflightCheck> check(CaptureConfig config) {
        return check(config, null);
    }

    /**
     * Runs every check over a new connection with the capture's credentials.
     *
     * @param requiredRetention how long the source must keep binlogs (e.g. the planned upgrade time); null skips
     *                          the retention check
     */
    public static List<PreflightCheck> check(CaptureConfig config, Duration requiredRetention) {
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password())) {
            return check(c, config, requiredRetention);
        } catch (SQLException e) {
            return List.of(PreflightCheck.fail("connection", "cannot connect to " + config.address() + " as user "
                    + config.user() + ": " + e.getMessage()));
        }
    }

    /** Runs every check over the given connection (which should use the capture's credentials, for the grants). */
    public static List<PreflightCheck> check(Connection c, CaptureConfig config, Duration requiredRetention) {
        List<PreflightCheck> out = new ArrayList<>();
        Map<String, String> vars;
        String version;
        try {
            vars = variables(c);
            version = single(c, "SELECT VERSION()");
        } catch (SQLException e) {
            return List.of(PreflightCheck.fail("connection", "cannot read the server variables of " + config.address()
                    + ": " + e.getMessage()));
        }
        boolean mariaDb = version != null && version.toLowerCase(Locale.ROOT).contains("mariadb");
        String server = (mariaDb ? "MariaDB " : "MySQL ") + version;

        boolean logBin = on(vars.get("log_bin"));
        out.add(logBin ? PreflightCheck.pass("log_bin", "binary logging is on")
                : PreflightCheck.fail("log_bin", "binary logging is off: start the server with log_bin (for example"
                + " log-bin=" + (mariaDb ? "mariadb-bin" : "binlog") + " in the [mysqld] section) and restart it"));

        out.add(expect(vars, "binlog_format", "ROW", "SET GLOBAL binlog_format='ROW' and put binlog_format=ROW in the"
                + " server configuration; sessions opened before keep their format, so reconnect the applications"));
        out.add(expect(vars, "binlog_row_image", "FULL", "SET GLOBAL binlog_row_image='FULL' and put"
                + " binlog_row_image=FULL in the server configuration (capture needs complete before and after images)"));
        if (!vars.containsKey("binlog_row_metadata")) {
            out.add(PreflightCheck.fail("binlog_row_metadata", server + " has no binlog_row_metadata: capture needs"
                    + " MariaDB 10.5+ or MySQL 8.0.1+ with binlog_row_metadata=FULL (column names and keys in the binlog)"));
        } else {
            out.add(expect(vars, "binlog_row_metadata", "FULL", "SET GLOBAL binlog_row_metadata='FULL' and put"
                    + " binlog_row_metadata=FULL in the server configuration (column names, keys and character sets in"
                    + " the binlog)"));
        }

        out.add(gtidCheck(c, vars, mariaDb));
        if (mariaDb && vars.containsKey("log_bin_compress")) {
            out.add(on(vars.get("log_bin_compress"))
                    ? PreflightCheck.fail("log_bin_compress", "log_bin_compress is ON: capture cannot read compressed"
                    + " binlog events; SET GLOBAL log_bin_compress=OFF and put log_bin_compress=OFF in the server"
                    + " configuration")
                    : PreflightCheck.pass("log_bin_compress", "binlog events are not compressed"));
        }

        List<String> schemas;
        List<String> unkeyed;
        int captured;
        try {
            Map<String, List<String>> tables = capturedTables(c, config.filter());
            schemas = new ArrayList<>(tables.keySet());
            captured = tables.values().stream().mapToInt(List::size).sum();
            unkeyed = tablesWithoutKey(c, tables);
        } catch (SQLException e) {
            schemas = null;
            unkeyed = null;
            captured = 0;
            out.add(PreflightCheck.fail("primary_keys", "cannot list the captured tables from information_schema: "
                    + e.getMessage()));
        }
        out.add(grantsCheck(c, schemas, mariaDb));
        if (unkeyed != null) {
            if (unkeyed.isEmpty()) {
                out.add(PreflightCheck.pass("primary_keys", captured == 0
                        ? "no table matches the capture filter yet (" + config.filter() + ")"
                        : "all " + captured + " captured tables have a primary key"));
            } else {
                out.add(PreflightCheck.fail("primary_keys", unkeyed.size() + " captured table"
                        + (unkeyed.size() == 1 ? " has" : "s have") + " no primary key (nor a unique key over NOT NULL"
                        + " columns): " + list(unkeyed) + "; add a primary key to each, or exclude them from capture"));
            }
        }

        out.add(serverIdCheck(vars, config));
        if (requiredRetention != null) {
            out.add(retentionCheck(vars, requiredRetention));
        }
        return out;
    }

    /** Runs the checks and throws one exception listing every failure; returns the (passing) checks otherwise. */
    public static List<PreflightCheck> requirePassing(CaptureConfig config) {
        return requirePassing(config, null);
    }

    public static List<PreflightCheck> requirePassing(CaptureConfig config, Duration requiredRetention) {
        List<PreflightCheck> checks = check(config, requiredRetention);
        requirePassing(config.address(), checks);
        return checks;
    }

    /** Throws a {@link PreflightException} listing every failing check, if any. */
    public static void requirePassing(String source, List<PreflightCheck> checks) {
        List<PreflightCheck> failures = checks.stream().filter(c -> !c.ok()).toList();
        if (!failures.isEmpty()) {
            throw new PreflightException(source, failures);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static PreflightCheck expect(Map<String, String> vars, String name, String expected, String fix) {
        String actual = vars.get(name);
        if (actual != null && actual.equalsIgnoreCase(expected)) {
            return PreflightCheck.pass(name, name + " is " + expected);
        }
        return PreflightCheck.fail(name, name + " is " + (actual == null ? "not set" : actual) + ", capture needs "
                + expected + ": " + fix);
    }

    private static PreflightCheck gtidCheck(Connection c, Map<String, String> vars, boolean mariaDb) {
        if (mariaDb) {
            try {
                String pos = single(c, "SELECT @@gtid_binlog_pos");
                return PreflightCheck.pass("gtid", pos == null || pos.isEmpty()
                        ? "GTIDs available (no transaction logged yet)" : "GTIDs available, gtid_binlog_pos is " + pos);
            } catch (SQLException e) {
                return PreflightCheck.fail("gtid", "cannot read @@gtid_binlog_pos (" + e.getMessage()
                        + "): capture needs MariaDB 10.0+ GTIDs");
            }
        }
        String mode = vars.get("gtid_mode");
        return "ON".equalsIgnoreCase(mode) ? PreflightCheck.pass("gtid", "gtid_mode is ON")
                : PreflightCheck.fail("gtid", "gtid_mode is " + (mode == null ? "not available" : mode)
                + ": set enforce_gtid_consistency=ON and gtid_mode=ON (stepping through OFF_PERMISSIVE and"
                + " ON_PERMISSIVE) and put both in the server configuration");
    }

    private static PreflightCheck serverIdCheck(Map<String, String> vars, CaptureConfig config) {
        String id = vars.get("server_id");
        long sourceId;
        try {
            sourceId = id == null ? -1 : Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            sourceId = -1;
        }
        if (sourceId == 0) {
            return PreflightCheck.fail("server_id", "the source's server_id is 0, which refuses binlog readers: set"
                    + " server_id to a unique non-zero value in the server configuration and restart it");
        }
        if (sourceId == config.serverId()) {
            return PreflightCheck.fail("server_id", "the source's server_id is " + sourceId + ", the same as the"
                    + " capture's server id: configure a different capture server id (every server and binlog reader"
                    + " needs its own)");
        }
        return PreflightCheck.pass("server_id", "source server_id " + sourceId + " differs from the capture's "
                + config.serverId());
    }

    private static PreflightCheck retentionCheck(Map<String, String> vars, Duration required) {
        long seconds = -1;
        String seconds1 = vars.get("binlog_expire_logs_seconds");
        if (seconds1 != null) {
            seconds = (long) Double.parseDouble(seconds1);
        }
        if (seconds <= 0 && vars.get("expire_logs_days") != null) {
            double days = Double.parseDouble(vars.get("expire_logs_days"));
            seconds = (long) (days * 86400);
        }
        if (seconds <= 0) {
            return PreflightCheck.pass("binlog_retention", "binlogs are not purged automatically");
        }
        if (seconds < required.getSeconds()) {
            return PreflightCheck.fail("binlog_retention", "binlogs are purged after " + Duration.ofSeconds(seconds)
                    + " but must be kept for " + required + ": SET GLOBAL binlog_expire_logs_seconds="
                    + required.getSeconds() + " (and in the server configuration)");
        }
        return PreflightCheck.pass("binlog_retention", "binlogs are kept for " + Duration.ofSeconds(seconds));
    }

    // ---------------------------------------------------------------------------------------------------------
    // grants

    private static PreflightCheck grantsCheck(Connection c, List<String> schemas, boolean mariaDb) {
        List<String> lines = new ArrayList<>();
        String user;
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SHOW GRANTS")) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            }
            user = single(c, "SELECT CURRENT_USER()");
        } catch (SQLException e) {
            return PreflightCheck.fail("grants", "cannot read SHOW GRANTS: " + e.getMessage());
        }
        Set<String> global = new HashSet<>();
        Map<String, Set<String>> byDb = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = GRANT.matcher(line.trim());
            if (!m.matches()) {
                continue; // role grants ("GRANT role TO user"), PROXY, ...
            }
            Set<String> privs = privileges(m.group(1));
            String object = m.group(2);
            if (object.equals("*.*")) {
                global.addAll(privs);
            } else if (object.endsWith(".*")) {
                byDb.computeIfAbsent(unquote(object.substring(0, object.length() - 2)), k -> new HashSet<>())
                        .addAll(privs);
            }
        }
        boolean all = global.contains("ALL") || global.contains("ALL PRIVILEGES");
        List<String> missing = new ArrayList<>();
        if (!all && !global.contains("REPLICATION SLAVE")) {
            missing.add("REPLICATION SLAVE");
        }
        if (!all && !global.contains("REPLICATION CLIENT") && !global.contains("BINLOG MONITOR")) {
            missing.add(mariaDb ? "BINLOG MONITOR" : "REPLICATION CLIENT");
        }
        List<String> noSelect = new ArrayList<>();
        if (!all && !global.contains("SELECT")) {
            if (schemas == null) {
                missing.add("SELECT");
            } else { // no captured table yet: nothing to read
                for (String schema : schemas) {
                    boolean ok = false;
                    for (Map.Entry<String, Set<String>> e : byDb.entrySet()) {
                        Set<String> p = e.getValue();
                        if ((p.contains("SELECT") || p.contains("ALL") || p.contains("ALL PRIVILEGES"))
                                && likeMatches(e.getKey(), schema)) {
                            ok = true;
                            break;
                        }
                    }
                    if (!ok) {
                        noSelect.add(schema);
                    }
                }
            }
        }
        if (missing.isEmpty() && noSelect.isEmpty()) {
            return PreflightCheck.pass("grants", user + " has " + (all ? "ALL PRIVILEGES"
                    : "REPLICATION SLAVE, " + (global.contains("BINLOG MONITOR") ? "BINLOG MONITOR" : "REPLICATION CLIENT")
                    + " and SELECT on the captured schemas"));
        }
        String grantee = grantee(user);
        StringBuilder msg = new StringBuilder(user + " lacks ");
        List<String> fixes = new ArrayList<>();
        if (!missing.isEmpty()) {
            msg.append(String.join(", ", missing)).append(" on *.*");
            fixes.add("GRANT " + String.join(", ", missing) + " ON *.* TO " + grantee);
        }
        if (!noSelect.isEmpty()) {
            if (!missing.isEmpty()) {
                msg.append(" and ");
            }
            msg.append("SELECT on ").append(list(noSelect));
            for (String s : noSelect.subList(0, Math.min(noSelect.size(), MAX_LISTED))) {
                fixes.add("GRANT SELECT ON `" + s.replace("`", "``") + "`.* TO " + grantee);
            }
        }
        msg.append(": run ").append(String.join("; ", fixes));
        return PreflightCheck.fail("grants", msg.toString());
    }

    private static Set<String> privileges(String list) {
        Set<String> out = new LinkedHashSet<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char ch : list.toCharArray()) {
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                out.add(normalize(cur.toString()));
                cur.setLength(0);
            } else if (depth == 0) {
                cur.append(ch);
            }
        }
        out.add(normalize(cur.toString()));
        return out;
    }

    private static String normalize(String privilege) {
        return privilege.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
    }

    private static String unquote(String name) {
        String n = name.trim();
        if (n.length() >= 2 && n.startsWith("`") && n.endsWith("`")) {
            return n.substring(1, n.length() - 1).replace("``", "`");
        }
        return n;
    }

    /** MySQL database-level grant names are LIKE patterns ({@code _}, {@code %}, backslash escapes). */
    static boolean likeMatches(String pattern, String name) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (ch == '\\' && i + 1 < pattern.length()) {
                re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (ch == '%') {
                re.append(".*");
            } else if (ch == '_') {
                re.append('.');
            } else {
                re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL).matcher(name).matches();
    }

    private static String grantee(String currentUser) {
        if (currentUser == null) {
            return "<capture user>";
        }
        int at = currentUser.lastIndexOf('@');
        return at < 0 ? "'" + currentUser + "'"
                : "'" + currentUser.substring(0, at) + "'@'" + currentUser.substring(at + 1) + "'";
    }

    // ---------------------------------------------------------------------------------------------------------
    // tables

    /** Captured base tables per schema, in name order. */
    private static Map<String, List<String>> capturedTables(Connection c, TableFilter filter) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE'"
                        + " AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')"
                        + " ORDER BY TABLE_SCHEMA, TABLE_NAME")) {
            while (rs.next()) {
                String schema = rs.getString(1);
                String table = rs.getString(2);
                if (filter.includes(schema, table)) {
                    out.computeIfAbsent(schema, k -> new ArrayList<>()).add(table);
                }
            }
        }
        return out;
    }

    /** Captured tables with neither a primary key nor a unique key whose columns are all NOT NULL. */
    private static List<String> tablesWithoutKey(Connection c, Map<String, List<String>> tables) throws SQLException {
        Set<String> keyed = new HashSet<>();
        Map<String, Boolean> nullableByIndex = new HashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NULLABLE FROM information_schema.STATISTICS"
                        + " WHERE NON_UNIQUE = 0"
                        + " AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')")) {
            while (rs.next()) {
                String key = rs.getString(1) + "\u0000" + rs.getString(2) + "\u0000" + rs.getString(3);
                boolean nullable = "YES".equalsIgnoreCase(rs.getString(4));
                nullableByIndex.merge(key, nullable, Boolean::logicalOr);
            }
        }
        for (Map.Entry<String, Boolean> e : nullableByIndex.entrySet()) {
            if (!e.getValue()) {
                String[] p = e.getKey().split("\u0000", 3);
                keyed.add(p[0] + "\u0000" + p[1]);
            }
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : tables.entrySet()) {
            for (String t : e.getValue()) {
                if (!keyed.contains(e.getKey() + "\u0000" + t)) {
                    out.add(e.getKey() + "." + t);
                }
            }
        }
        return out;
    }

    private static String list(List<String> names) {
        List<String> shown = names.subList(0, Math.min(MAX_LISTED, names.size()));
        String s = String.join(", ", shown);
        return names.size() > shown.size() ? s + " and " + (names.size() - shown.size()) + " more" : s;
    }

    // ---------------------------------------------------------------------------------------------------------

    private static Map<String, String> variables(Connection c) throws SQLException {
        Set<String> wanted = new TreeSet<>(List.of("log_bin", "binlog_format", "binlog_row_image",
                "binlog_row_metadata", "gtid_mode", "log_bin_compress", "server_id", "binlog_expire_logs_seconds",
                "expire_logs_days"));
        Map<String, String> out = new HashMap<>();
        StringBuilder in = new StringBuilder();
        for (String w : wanted) {
            in.append(in.length() == 0 ? "" : ", ").append('\'').append(w).append('\'');
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN (" + in + ")")) {
            while (rs.next()) {
                out.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
            }
        }
        return out;
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static boolean on(String v) {
        return v != null && (v.equalsIgnoreCase("ON") || v.equals("1"));
    }
}
