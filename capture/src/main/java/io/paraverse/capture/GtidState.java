package io.paraverse.capture;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A MariaDB GTID position: the last GTID per replication domain, rendered "domain-server-seq" comma-separated as
 * {@code @@gtid_binlog_pos} prints it. Domains keep the order in which they first appeared.
 */
final class GtidState {
    private static final Pattern POSITION = Pattern.compile(
            "\\s*|\\d{1,10}-\\d{1,10}-\\d{1,20}(\\s*,\\s*\\d{1,10}-\\d{1,10}-\\d{1,20})*");

    private final Map<Long, String> byDomain = new LinkedHashMap<>();

    /** Whether a string is a MariaDB GTID position ("" included: the start of the binlog). */
    static boolean isPosition(String s) {
        return s != null && POSITION.matcher(s.trim()).matches();
    }

    static GtidState parse(String position) {
        if (!isPosition(position)) {
            throw new IllegalArgumentException("not a MariaDB GTID position (domain-server-seq[,...]): '" + position + "'");
        }
        GtidState g = new GtidState();
        for (String part : position.trim().split(",")) {
            String gtid = part.trim();
            if (!gtid.isEmpty()) {
                g.byDomain.put(Long.parseLong(gtid.substring(0, gtid.indexOf('-'))), gtid);
            }
        }
        return g;
    }

    /** This position with one domain advanced to {@code gtid}, rendered (the state itself is unchanged). */
    String renderWith(long domain, String gtid) {
        if (byDomain.isEmpty() || (byDomain.size() == 1 && byDomain.containsKey(domain))) {
            return gtid;
        }
        StringBuilder sb = new StringBuilder();
        boolean seen = false;
        for (Map.Entry<Long, String> e : byDomain.entrySet()) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            if (e.getKey() == domain) {
                sb.append(gtid);
                seen = true;
            } else {
                sb.append(e.getValue());
            }
        }
        if (!seen) {
            sb.append(',').append(gtid);
        }
        return sb.toString();
    }

    void advance(long domain, String gtid) {
        byDomain.put(domain, gtid);
    }

    String render() {
        return String.join(",", byDomain.values());
    }

    @Override
    public String toString() {
        return render();
    }
}
