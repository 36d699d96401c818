package io.paraverse.capture.debezium;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A MariaDB GTID position ("domain-server-seq" per domain, comma-separated, as {@code @@gtid_binlog_pos} prints
 * it): what has been delivered, and which GTIDs a resume must skip. Domains keep their first-seen order.
 */
final class GtidPosition {
    private static final Pattern GTID = Pattern.compile("\\d{1,10}-\\d{1,10}-\\d{1,20}");

    private final Map<Long, String> byDomain = new LinkedHashMap<>();

    static GtidPosition parse(String position) {
        GtidPosition p = new GtidPosition();
        if (position == null) {
            return p;
        }
        for (String part : position.split(",")) {
            String g = part.trim();
            if (g.isEmpty()) {
                continue;
            }
            if (!GTID.matcher(g).matches()) {
                throw new IllegalArgumentException("not a MariaDB GTID position (domain-server-seq[,...]): '"
                        + position + "'");
            }
            p.byDomain.put(domain(g), g);
        }
        return p;
    }

    static boolean isGtid(String s) {
        return s != null && GTID.matcher(s).matches();
    }

    /** Whether a transaction's GTID is at or before this position in its domain (so it was delivered already). */
    boolean covers(String gtid) {
        String mine = byDomain.get(domain(gtid));
        return mine != null && seq(mine) >= seq(gtid);
    }

    /** Whether every domain of {@code other} is covered here. */
    boolean coversAll(GtidPosition other) {
        return other.byDomain.values().stream().allMatch(this::covers);
    }

    void advance(String gtid) {
        byDomain.put(domain(gtid), gtid);
    }

    boolean isEmpty() {
        return byDomain.isEmpty();
    }

    String render() {
        return String.join(",", byDomain.values());
    }

    @Override
    public String toString() {
        return render();
    }

    private static long domain(String gtid) {
        return Long.parseLong(gtid.substring(0, gtid.indexOf('-')));
    }

    private static long seq(String gtid) {
        return Long.parseUnsignedLong(gtid.substring(gtid.lastIndexOf('-') + 1));
    }
}
