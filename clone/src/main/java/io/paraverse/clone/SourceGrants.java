package io.paraverse.clone;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks, before anything is created or locked, that the source user holds what the clone needs, by reading
 * {@code SHOW GRANTS}: otherwise a missing privilege shows up late and misleadingly (information_schema hides what
 * the user may not see: "schema does not exist", no triggers listed...). Fails with the GRANT statements to run.
 * <ul>
 * <li>SELECT on each included schema (or table): the data;</li>
 * <li>SHOW VIEW, TRIGGER and EVENT on each whole included schema, TRIGGER on each included table: reading the
 * definitions (without them information_schema hides those objects and they would be dropped silently);</li>
 * <li>routine bodies: SELECT on mysql.proc (MariaDB) or SHOW_ROUTINE (MySQL), for whole schemas;</li>
 * <li>{@link SnapshotMethod#GLOBAL_READ_LOCK}: RELOAD (FLUSH TABLES WITH READ LOCK) and BINLOG MONITOR /
 * REPLICATION CLIENT (SHOW MASTER STATUS).</li>
 * </ul>
 * Column-level grants are not counted. Grants through a role count only while the role is active (SHOW GRANTS lists
 * them then).
 */
final class SourceGrants {
    private static final Logger log = LoggerFactory.getLogger(SourceGrants.class);
    private static final Pattern GRANT = Pattern.compile(
            "^GRANT (.+?) ON (?:(?:TABLE|PROCEDURE|FUNCTION|PACKAGE BODY|PACKAGE) )?(\\S+) TO ", Pattern.CASE_INSENSITIVE);

    /** A privilege needed on an object: {@code *.*}, {@code `db`.*} or {@code `db`.`t`}. */
    record Need(String privilege, String schema, String table) {
        String on() {
            return schema == null ? "*.*" : TableRef.quote(schema) + "." + (table == null ? "*" : TableRef.quote(table));
        }
    }

    /** One parsed grant line: privileges (upper case; "ALL" for ALL PRIVILEGES) on schema/table (null = any). */
    record Held(Set<String> privileges, String schemaPattern, String table) { }

    private SourceGrants() {
    }

    static void check(Connection c, ServerFlavour flavour, SnapshotMethod method, List<String> include) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        } catch (SQLException e) {
            log.warn("cannot read the source user's grants ({}): privileges are not checked before the clone", e.getMessage());
            return;
        }
        List<Need> missing = missing(lines, needs(flavour, method, include));
        if (!missing.isEmpty()) {
            String user = currentUser(c);
            throw new CloneException("the source user " + user + " lacks privileges the clone needs ("
                    + String.join(", ", missing.stream().map(n -> n.privilege() + " on " + n.on()).toList())
                    + "). Run on the source: " + grantStatements(missing, user));
        }
    }

    static List<Need> needs(ServerFlavour flavour, SnapshotMethod method, List<String> include) {
        List<Need> needs = new ArrayList<>();
        boolean wholeSchema = false;
        for (Map.Entry<String, Set<String>> e : SchemaCopier.parse(include).entrySet()) {
            if (e.getValue() == null) {
                wholeSchema = true;
                for (String p : List.of("SELECT", "SHOW VIEW", "TRIGGER", "EVENT")) {
                    needs.add(new Need(p, e.getKey(), null));
                }
            } else {
                for (String t : e.getValue()) {
                    needs.add(new Need("SELECT", e.getKey(), t));
                    needs.add(new Need("TRIGGER", e.getKey(), t));
                }
            }
        }
        if (wholeSchema) {
            needs.add(flavour == ServerFlavour.MARIADB ? new Need("SELECT", "mysql", "proc") : new Need("SHOW_ROUTINE", null, null));
        }
        if (method == SnapshotMethod.GLOBAL_READ_LOCK) {
            needs.add(new Need("RELOAD", null, null));
            needs.add(new Need(flavour == ServerFlavour.MARIADB ? "BINLOG MONITOR" : "REPLICATION CLIENT", null, null));
        }
        return needs;
    }

    static List<Need> missing(List<String> grantLines, List<Need> needs) {
        List<Held> held = new ArrayList<>();
        for (String line : grantLines) {
            Held h = parse(line);
            if (h != null) {
                held.add(h);
            }
        }
        List<Need> out = new ArrayList<>();
        for (Need n : needs) {
            if (held.stream().noneMatch(h -> covers(h, n))) {
                out.add(n);
            }
        }
        return out;
    }

    static Held parse(String line) {
        Matcher m = GRANT.matcher(line.trim());
        if (!m.find()) {
            return null; // a role grant ("GRANT `r` TO ...") or something else
        }
        Set<String> privs = new LinkedHashSet<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        boolean columns = false;
        for (char ch : (m.group(1) + ",").toCharArray()) {
            if (ch == '(') {
                depth++;
                columns = true;
            } else if (ch == ')') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                String p = cur.toString().trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
                if (!columns && !p.isEmpty()) { // a column-level privilege is not one on the table
                    privs.add(p.equals("ALL PRIVILEGES") ? "ALL" : p.equals("REPLICATION CLIENT") ? "BINLOG MONITOR" : p);
                }
                cur.setLength(0);
                columns = false;
            } else if (depth == 0) {
                cur.append(ch);
            }
        }
        String on = m.group(2);
        if (on.equals("*.*") || on.equals("*")) {
            return new Held(privs, null, null);
        }
        String[] parts = splitObject(on);
        if (parts == null) {
            return null;
        }
        return new Held(privs, parts[0], parts[1].equals("*") ? null : parts[1]);
    }

    /** {@code `db`.`t`}, {@code db.*}, {@code `my``db`.*} → {schema, table or "*"}, backquotes removed. */
    private static String[] splitObject(String on) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < on.length(); i++) {
            char ch = on.charAt(i);
            if (ch == '`') {
                if (quoted && i + 1 < on.length() && on.charAt(i + 1) == '`') {
                    cur.append('`');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (ch == '.' && !quoted) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        parts.add(cur.toString());
        return parts.size() == 2 ? parts.toArray(new String[0]) : null;
    }

    private static boolean covers(Held h, Need n) {
        boolean priv = h.privileges().contains(n.privilege())
                || (h.privileges().contains("ALL") && !n.privilege().equals("GRANT OPTION"));
        if (!priv) {
            return false;
        }
        if (h.schemaPattern() == null) {
            return true;
        }
        if (n.schema() == null || !schemaMatches(h.schemaPattern(), n.schema())) {
            return false;
        }
        return h.table() == null || (n.table() != null && h.table().equalsIgnoreCase(n.table()));
    }

    /** A schema-level grant's name is a LIKE pattern: % and _ are wildcards unless escaped with a backslash. */
    static boolean schemaMatches(String pattern, String schema) {
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
        return schema.matches(re.toString());
    }

    /** One GRANT statement per object, privileges grouped. */
    static String grantStatements(List<Need> missing, String user) {
        Map<String, Set<String>> byObject = new LinkedHashMap<>();
        for (Need n : missing) {
            byObject.computeIfAbsent(n.on(), k -> new LinkedHashSet<>()).add(n.privilege());
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : byObject.entrySet()) {
            out.add("GRANT " + String.join(", ", e.getValue()) + " ON " + e.getKey() + " TO " + user + ";");
        }
        return String.join(" ", out);
    }

    /** The connected account as {@code 'user'@'host'}. */
    static String currentUser(Connection c) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            String u = rs.getString(1);
            int at = u.lastIndexOf('@');
            return at < 0 ? "'" + u.replace("'", "''") + "'"
                    : "'" + u.substring(0, at).replace("'", "''") + "'@'" + u.substring(at + 1).replace("'", "''") + "'";
        } catch (SQLException e) {
            return "<the clone user>";
        }
    }
}
