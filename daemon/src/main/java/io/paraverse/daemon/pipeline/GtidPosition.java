package io.paraverse.daemon.pipeline;

import java.util.Map;
import java.util.TreeMap;

/**
 * A MariaDB GTID position ("0-1-100,1-2-7": one domain-server-seq per domain) reduced to domain → seq, so the
 * pipeline can tell whether the target has applied everything the source has written.
 */
public final class GtidPosition {
    private final Map<Long, Long> seqByDomain;

    private GtidPosition(Map<Long, Long> seqByDomain) {
        this.seqByDomain = seqByDomain;
    }

    public static GtidPosition parse(String position) {
        Map<Long, Long> m = new TreeMap<>();
        if (position != null) {
            for (String part : position.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                String[] f = p.split("-");
                if (f.length != 3) {
                    throw new IllegalArgumentException("not a MariaDB GTID (domain-server-seq): '" + p + "' in '" + position + "'");
                }
                m.merge(Long.parseLong(f[0]), Long.parseLong(f[2]), Math::max);
            }
        }
        return new GtidPosition(m);
    }

    /** The server's {@code @@gtid_binlog_pos} now: every transaction it has committed (as text, "" if none). */
    public static String current(Endpoint server) throws java.sql.SQLException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(server.jdbcUrl(""), server.user(), server.password());
             java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SELECT @@gtid_binlog_pos")) {
            rs.next();
            String v = rs.getString(1);
            return v == null ? "" : v;
        }
    }

    /** True when, in every domain of {@code other}, this position is at or past it. */
    public boolean covers(GtidPosition other) {
        for (Map.Entry<Long, Long> e : other.seqByDomain.entrySet()) {
            if (seqByDomain.getOrDefault(e.getKey(), 0L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Transactions in {@code other} not yet in this position, summed over domains (a lag measure). */
    public long behind(GtidPosition other) {
        long n = 0;
        for (Map.Entry<Long, Long> e : other.seqByDomain.entrySet()) {
            n += Math.max(0, e.getValue() - seqByDomain.getOrDefault(e.getKey(), 0L));
        }
        return n;
    }

    @Override
    public String toString() {
        return seqByDomain.toString();
    }
}
