package io.paraverse.clone;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One part of a table split by its single-column integer primary key, so that several readers copy one large table:
 * keys in ({@code after}, {@code upTo}], null meaning unbounded. The first range has no lower bound and the last no
 * upper bound, so the ranges cover every key whatever the boundaries were computed from: boundaries only balance
 * the work, they never decide what is copied.
 * <p>
 * Boundaries follow the rows, not equal key widths (a few outlying keys would put nearly all rows in one range):
 * [min, max] is halved recursively at the key where the optimizer's row estimates (EXPLAIN of {@code key BETWEEN},
 * index dives: a few page reads, no scan) of the two sides stand in the wanted ratio. Comparing two estimates of
 * similar size cancels most of their bias. If estimates are unavailable, equal widths are used.
 */
record KeyRange(BigInteger after, BigInteger upTo, int index, int count) {
    private static final Set<String> INTEGER = Set.of("tinyint", "smallint", "mediumint", "int", "bigint");

    /** "range 2/8 (1000, 2000]" for messages. */
    String describe() {
        return "key range " + (index + 1) + "/" + count + " (" + (after == null ? "-inf" : after) + ", "
                + (upTo == null ? "+inf" : upTo) + "]";
    }

    /** The first key of the range for {@link KeysetQuery#readUpTo}: null = from the table's start. */
    Object[] startAfter() {
        return after == null ? null : new Object[] {new BigDecimal(after)}; // a number, not a string: exact comparison
    }

    Object upperBound() {
        return upTo == null ? null : new BigDecimal(upTo);
    }

    /** Whether the table's primary key is one integer column (splittable by arithmetic on its MIN/MAX). */
    static boolean splittable(Connection c, TableCopyPlan p) throws SQLException {
        if (p.primaryKey().size() != 1) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=? AND TABLE_NAME=? AND COLUMN_NAME=?")) {
            ps.setString(1, p.table().schema());
            ps.setString(2, p.table().table());
            ps.setString(3, p.primaryKey().get(0));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && INTEGER.contains(rs.getString(1).toLowerCase(Locale.ROOT));
            }
        }
    }

    /**
     * Splits [MIN, MAX] of the key, read on {@code reader} (inside its snapshot), into at most {@code parts} ranges of
     * equal width; one unbounded range if the table is empty or too narrow.
     */
    static List<KeyRange> split(Connection reader, TableCopyPlan p, int parts) throws SQLException {
        String k = TableRef.quote(p.primaryKey().get(0));
        BigInteger min;
        BigInteger max;
        try (Statement st = reader.createStatement();
             ResultSet rs = st.executeQuery("SELECT CAST(MIN(" + k + ") AS CHAR), CAST(MAX(" + k + ") AS CHAR) FROM " + p.table().quoted())) {
            rs.next();
            if (rs.getString(1) == null) {
                return List.of(new KeyRange(null, null, 0, 1));
            }
            min = new BigInteger(rs.getString(1));
            max = new BigInteger(rs.getString(2));
        }
        BigInteger span = max.subtract(min).add(BigInteger.ONE);
        int n = (int) Math.max(1, Math.min(parts, span.min(BigInteger.valueOf(Integer.MAX_VALUE)).longValue()));
        List<BigInteger> bounds = new ArrayList<>();
        try {
            halve(reader, p, k, min, max, n, bounds);
        } catch (SQLException e) {
            bounds.clear();
        }
        if (bounds.isEmpty() && n > 1) { // no estimates: equal widths
            BigInteger width = span.divide(BigInteger.valueOf(n));
            for (int i = 1; i < n; i++) {
                bounds.add(min.add(width.multiply(BigInteger.valueOf(i))).subtract(BigInteger.ONE));
            }
        }
        List<KeyRange> out = new ArrayList<>(bounds.size() + 1);
        BigInteger after = null;
        for (int i = 0; i <= bounds.size(); i++) {
            BigInteger upTo = i == bounds.size() ? null : bounds.get(i);
            out.add(new KeyRange(after, upTo, i, bounds.size() + 1));
            after = upTo;
        }
        return out;
    }

    /** Adds to {@code out}, in order, the n-1 boundaries that cut [a, b] into n parts of about equal rows. */
    private static void halve(Connection c, TableCopyPlan p, String k, BigInteger a, BigInteger b, int n, List<BigInteger> out)
            throws SQLException {
        if (n <= 1 || a.compareTo(b) >= 0) {
            return;
        }
        int left = n / 2;
        BigInteger lo = a;
        BigInteger hi = b.subtract(BigInteger.ONE);
        while (lo.compareTo(hi) < 0) { // smallest m with rows[a, m] / left >= rows[m+1, b] / (n - left)
            BigInteger m = lo.add(hi).shiftRight(1);
            if (estimate(c, p, k, a, m) * (n - left) >= estimate(c, p, k, m.add(BigInteger.ONE), b) * left) {
                hi = m;
            } else {
                lo = m.add(BigInteger.ONE);
            }
        }
        halve(c, p, k, a, lo, left, out);
        out.add(lo);
        halve(c, p, k, lo.add(BigInteger.ONE), b, n - left, out);
    }

    /** The optimizer's estimate of the rows with key in [from, to]. */
    private static long estimate(Connection c, TableCopyPlan p, String k, BigInteger from, BigInteger to) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("EXPLAIN SELECT " + k + " FROM " + p.table().quoted() + " WHERE " + k
                     + " BETWEEN " + from + " AND " + to)) {
            if (!rs.next()) {
                throw new SQLException("EXPLAIN returned nothing");
            }
            long rows = rs.getLong("rows");
            return rs.wasNull() ? 0 : rows; // "Impossible WHERE": no such key
        }
    }
}
