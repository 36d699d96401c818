package io.paraverse.examples.mediawiki;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Compares two MediaWiki 1.5 databases modulo the ids that legitimately differ (revision and text ids: the clone's
 * upgrade gave the then-current versions ids production never assigned, and catch-up allocated its own). Equal means:
 * <ol>
 *   <li>the same pages by {@code page_id}, with equal namespace, title, restrictions, counter, redirect and new flags,
 *       random, touched and length (every page column but {@code page_latest}, whose raw value is an id);</li>
 *   <li>per page, the same revision history: revisions ordered by ({@code rev_timestamp}, {@code rev_id}) pair up
 *       with equal comment, user, user text, timestamp, minor-edit and deleted flags, text and text flags;</li>
 *   <li>on each side: {@code page_latest} is the last revision of that order and belongs to the page, its text exists
 *       and {@code page_len = LENGTH} of it, every revision has its page and text, and as many text rows are
 *       unreferenced by any revision on both sides.</li>
 * </ol>
 * The first differences are reported readably (at most {@link #MAX_REPORTED}).
 */
public final class MediaWikiEquality {
    public static final int MAX_REPORTED = 20;

    private static final String PAGES = "SELECT page_id, page_namespace, page_title, page_restrictions, page_counter,"
            + " page_is_redirect, page_is_new, page_random, page_touched, page_len, page_latest FROM %s.page ORDER BY page_id";
    private static final String REVISIONS = "SELECT r.rev_page, r.rev_id, r.rev_comment, r.rev_user, r.rev_user_text,"
            + " r.rev_timestamp, r.rev_minor_edit, r.rev_deleted, t.old_text, t.old_flags"
            + " FROM %s.revision r LEFT JOIN %s.text t ON t.old_id = r.rev_text_id"
            + " ORDER BY r.rev_page, r.rev_timestamp, r.rev_id";
    private static final String[] PAGE_FIELDS = {"page_namespace", "page_title", "page_restrictions", "page_counter",
        "page_is_redirect", "page_is_new", "page_random", "page_touched", "page_len"};
    private static final String[] REV_FIELDS = {"rev_comment", "rev_user", "rev_user_text", "rev_timestamp",
        "rev_minor_edit", "rev_deleted", "old_text", "old_flags"};

    /** The outcome: counts and the first differences found. */
    public record Result(long pagesA, long pagesB, long revisionsA, long revisionsB, List<String> differences,
                         long differenceCount) {
        public boolean equal() { return differenceCount == 0; }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            b.append(equal() ? "EQUAL" : "DIFFERENT (" + differenceCount + " differences)")
                    .append(": pages ").append(pagesA).append(" / ").append(pagesB)
                    .append(", revisions ").append(revisionsA).append(" / ").append(revisionsB);
            for (String d : differences) {
                b.append("\n  - ").append(d);
            }
            if (differenceCount > differences.size()) {
                b.append("\n  ... and ").append(differenceCount - differences.size()).append(" more");
            }
            return b.toString();
        }
    }

    private final List<String> diffs = new ArrayList<>();
    private long count;

    private MediaWikiEquality() { }

    /** Compares database {@code dbA} on {@code a} ("A") with {@code dbB} on {@code b} ("B"). */
    public static Result compare(Connection a, String dbA, Connection b, String dbB) throws SQLException {
        MediaWikiEquality eq = new MediaWikiEquality();
        String qa = quote(dbA);
        String qb = quote(dbB);
        eq.invariants("A", a, qa);
        eq.invariants("B", b, qb);
        long orphanTextsA = scalar(a, "SELECT COUNT(*) FROM " + qa + ".text t WHERE NOT EXISTS"
                + " (SELECT 1 FROM " + qa + ".revision r WHERE r.rev_text_id = t.old_id)");
        long orphanTextsB = scalar(b, "SELECT COUNT(*) FROM " + qb + ".text t WHERE NOT EXISTS"
                + " (SELECT 1 FROM " + qb + ".revision r WHERE r.rev_text_id = t.old_id)");
        if (orphanTextsA != orphanTextsB) {
            eq.diff("text rows no revision uses: A has " + orphanTextsA + ", B has " + orphanTextsB);
        }
        TreeMap<Long, Map<String, Object>> pagesA = pages(a, qa);
        TreeMap<Long, Map<String, Object>> pagesB = pages(b, qb);
        for (Map.Entry<Long, Map<String, Object>> e : pagesA.entrySet()) {
            Map<String, Object> pb = pagesB.get(e.getKey());
            if (pb == null) {
                eq.diff("page " + e.getKey() + " " + title(e.getValue()) + " only in A");
                continue;
            }
            for (String f : PAGE_FIELDS) {
                if (!same(e.getValue().get(f), pb.get(f))) {
                    eq.diff("page " + e.getKey() + " " + title(e.getValue()) + ": " + f + " A=" + show(e.getValue().get(f))
                            + " B=" + show(pb.get(f)));
                }
            }
        }
        for (Map.Entry<Long, Map<String, Object>> e : pagesB.entrySet()) {
            if (!pagesA.containsKey(e.getKey())) {
                eq.diff("page " + e.getKey() + " " + title(e.getValue()) + " only in B");
            }
        }
        long[] revs = eq.histories(a, qa, b, qb);
        return new Result(pagesA.size(), pagesB.size(), revs[0], revs[1], List.copyOf(eq.diffs), eq.count);
    }

    /** Checks of one side alone. */
    private void invariants(String side, Connection c, String q) throws SQLException {
        rows(c, "SELECT p.page_id, p.page_latest FROM " + q + ".page p WHERE NOT EXISTS (SELECT 1 FROM " + q
                + ".revision r WHERE r.rev_id = p.page_latest AND r.rev_page = p.page_id)",
                r -> side + ": page " + r[0] + " has page_latest " + r[1] + ", not a revision of that page");
        rows(c, "SELECT p.page_id, p.page_latest, (SELECT r.rev_id FROM " + q + ".revision r WHERE r.rev_page = p.page_id"
                + " ORDER BY r.rev_timestamp DESC, r.rev_id DESC LIMIT 1) AS last FROM " + q + ".page p"
                + " HAVING last IS NULL OR last <> p.page_latest",
                r -> side + ": page " + r[0] + " has page_latest " + r[1] + " but its latest revision is " + r[2]);
        rows(c, "SELECT p.page_id, p.page_len, LENGTH(t.old_text), t.old_id IS NULL FROM " + q + ".page p JOIN " + q
                + ".revision r ON r.rev_id = p.page_latest LEFT JOIN " + q + ".text t ON t.old_id = r.rev_text_id"
                + " WHERE t.old_id IS NULL OR p.page_len <> LENGTH(t.old_text)",
                r -> side + ": page " + r[0] + " has page_len " + r[1] + " but its latest text "
                        + ("1".equals(String.valueOf(r[3])) ? "is missing" : "has " + r[2] + " bytes"));
        rows(c, "SELECT r.rev_id, r.rev_page FROM " + q + ".revision r WHERE NOT EXISTS (SELECT 1 FROM " + q
                + ".page p WHERE p.page_id = r.rev_page)",
                r -> side + ": revision " + r[0] + " belongs to page " + r[1] + ", which does not exist");
        rows(c, "SELECT r.rev_id, r.rev_text_id FROM " + q + ".revision r WHERE NOT EXISTS (SELECT 1 FROM " + q
                + ".text t WHERE t.old_id = r.rev_text_id)",
                r -> side + ": revision " + r[0] + " has no text (rev_text_id " + r[1] + ")");
    }

    /** Streams both revision lists in (page, timestamp, id) order and pairs them up. */
    private long[] histories(Connection a, String qa, Connection b, String qb) throws SQLException {
        long na = 0;
        long nb = 0;
        try (Statement sa = streaming(a); Statement sb = streaming(b);
             ResultSet ra = sa.executeQuery(String.format(REVISIONS, qa, qa));
             ResultSet rb = sb.executeQuery(String.format(REVISIONS, qb, qb))) {
            boolean hasA = ra.next();
            boolean hasB = rb.next();
            long page = -1;
            int n = 0;
            while (hasA || hasB) {
                long pa = hasA ? ra.getLong(1) : Long.MAX_VALUE;
                long pb = hasB ? rb.getLong(1) : Long.MAX_VALUE;
                long p = Math.min(pa, pb);
                if (p != page) {
                    page = p;
                    n = 0;
                }
                n++;
                if (pa == pb) {
                    for (String f : REV_FIELDS) {
                        Object va = ra.getObject(f);
                        Object vb = rb.getObject(f);
                        if (!same(va, vb)) {
                            diff("page " + p + " revision #" + n + " (A rev_id " + ra.getLong(2) + ", B rev_id "
                                    + rb.getLong(2) + "): " + f + " A=" + show(va) + " B=" + show(vb));
                            break;
                        }
                    }
                    na++;
                    nb++;
                    hasA = ra.next();
                    hasB = rb.next();
                } else if (pa < pb) {
                    diff("page " + p + " revision #" + n + " (A rev_id " + ra.getLong(2) + ", " + ra.getString("rev_timestamp")
                            + ") has no counterpart in B (B's history of this page is shorter)");
                    na++;
                    hasA = ra.next();
                } else {
                    diff("page " + p + " revision #" + n + " (B rev_id " + rb.getLong(2) + ", " + rb.getString("rev_timestamp")
                            + ") has no counterpart in A (A's history of this page is shorter)");
                    nb++;
                    hasB = rb.next();
                }
            }
        }
        return new long[] {na, nb};
    }

    private static TreeMap<Long, Map<String, Object>> pages(Connection c, String q) throws SQLException {
        TreeMap<Long, Map<String, Object>> out = new TreeMap<>();
        try (Statement st = streaming(c); ResultSet rs = st.executeQuery(String.format(PAGES, q))) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i), rs.getObject(i));
                }
                out.put(rs.getLong(1), row);
            }
        }
        return out;
    }

    private interface RowText {
        String describe(Object[] row);
    }

    private void rows(Connection c, String sql, RowText text) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] row = new Object[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                diff(text.describe(row));
            }
        }
    }

    private void diff(String d) {
        count++;
        if (diffs.size() < MAX_REPORTED) {
            diffs.add(d);
        }
    }

    private static Statement streaming(Connection c) throws SQLException {
        Statement st = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        st.setFetchSize(500);
        return st;
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String quote(String db) {
        return "`" + db.replace("`", "``") + "`";
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.toString().equals(y.toString()) || (x.doubleValue() == y.doubleValue());
        }
        return Objects.deepEquals(a, b);
    }

    private static String title(Map<String, Object> page) {
        return "[" + page.get("page_namespace") + ":" + show(page.get("page_title")) + "]";
    }

    /** A value for a message: bytes as UTF-8, long values shortened. */
    static String show(Object v) {
        String s;
        if (v == null) {
            return "NULL";
        } else if (v instanceof byte[] bytes) {
            s = new String(bytes, StandardCharsets.UTF_8);
        } else {
            s = v.toString();
        }
        s = s.replace("\n", "\\n");
        return s.length() > 80 ? "'" + s.substring(0, 60) + "…' (" + s.length() + " chars)" : "'" + s + "'";
    }
}
