package io.paraverse.clone;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * Opens one read view on every reader connection and returns the binlog point it corresponds to, by
 * {@link SnapshotMethod}:
 * <ul>
 * <li>{@code CONSISTENT_SNAPSHOT} (MariaDB): each reader runs {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} and
 * reads {@code binlog_snapshot_file/position}; snapshots reporting the same position saw the same commits. If one
 * differs (a commit slipped in between) all are taken again; after {@code attempts} failures the readers are cut to
 * one (always consistent). The position is mapped to a GTID position with {@code BINLOG_GTID_POS}.</li>
 * <li>{@code GLOBAL_READ_LOCK}: {@code FLUSH TABLES WITH READ LOCK} on an extra connection stops all commits while
 * the readers open their snapshots and the position is read ({@code SHOW MASTER STATUS} and
 * {@code @@gtid_binlog_pos} on MariaDB, {@code SHOW BINARY LOG STATUS} / {@code SHOW MASTER STATUS} and
 * {@code @@gtid_executed} on MySQL). The lock is released at once, unless asked to hold it: then
 * {@link Opened#close()} releases it.</li>
 * </ul>
 */
final class SnapshotOpener {
    private static final Logger log = LoggerFactory.getLogger(SnapshotOpener.class);
    /**
     * How long one FLUSH TABLES WITH READ LOCK may wait. While it waits, every write on the source waits behind it,
     * and it can be caught in a cycle no server detects (it waits for a running UPDATE, which waits for a row lock
     * of a transaction whose COMMIT waits for the flush) until innodb_lock_wait_timeout: so wait briefly, retry.
     */
    static final int FTWRL_WAIT_SECONDS = 2;
    static final int FTWRL_ATTEMPTS = 30;
    private static final int ER_LOCK_WAIT_TIMEOUT = 1205;

    /** The snapshot's clone point and, if still held, the connection holding the global read lock. */
    static final class Opened implements AutoCloseable {
        private final ClonePoint point;
        private Connection lock;

        Opened(ClonePoint point, Connection lock) {
            this.point = point;
            this.lock = lock;
        }

        ClonePoint point() {
            return point;
        }

        boolean holdsLock() {
            return lock != null;
        }

        /** Releases the global read lock if it is still held. */
        @Override
        public void close() {
            if (lock != null) {
                try (Connection c = lock; Statement st = c.createStatement()) {
                    st.execute("UNLOCK TABLES");
                    log.info("global read lock released");
                } catch (SQLException e) {
                    log.warn("releasing the global read lock: {} (closing its connection releases it)", e.toString());
                }
                lock = null;
            }
        }
    }

    private SnapshotOpener() {
    }

    /** Refuses a method the source cannot do, before anything is created on the target. */
    static void checkMethod(ServerFlavour flavour, String version, SnapshotMethod method, CloneEndpoint source) {
        if (flavour == ServerFlavour.MYSQL && method == SnapshotMethod.CONSISTENT_SNAPSHOT) {
            throw new CloneException("source " + source + " is MySQL " + version + ", which does not report the binlog position"
                    + " of a consistent snapshot (no binlog_snapshot_file): clone it with"
                    + " SnapshotClone.Options.withSnapshotMethod(SnapshotMethod.GLOBAL_READ_LOCK)");
        }
    }

    /**
     * @param holdLock GLOBAL_READ_LOCK only: keep the lock until {@link Opened#close()} (non-transactional tables)
     */
    static Opened open(CloneEndpoint source, List<Connection> readers, SnapshotMethod method, ServerFlavour flavour,
                       boolean holdLock, int attempts) throws SQLException, InterruptedException {
        return method == SnapshotMethod.GLOBAL_READ_LOCK
                ? underGlobalReadLock(source, readers, flavour, holdLock)
                : new Opened(consistentSnapshot(readers, attempts), null);
    }

    private static Opened underGlobalReadLock(CloneEndpoint source, List<Connection> readers, ServerFlavour flavour,
                                              boolean holdLock) throws SQLException {
        Connection lock = source.connect();
        boolean keep = false;
        try {
            takeGlobalReadLock(lock);
            for (Connection r : readers) {
                try (Statement st = r.createStatement()) {
                    st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                }
            }
            ClonePoint point = position(lock, flavour);
            if (holdLock) {
                keep = true;
                return new Opened(point, lock);
            }
            try (Statement st = lock.createStatement()) {
                st.execute("UNLOCK TABLES");
            }
            log.info("global read lock held only while {} reader(s) opened their snapshots", readers.size());
            return new Opened(point, null);
        } finally {
            if (!keep) {
                lock.close(); // also releases the lock if anything above failed
            }
        }
    }

    private static void takeGlobalReadLock(Connection lock) throws SQLException {
        try (Statement st = lock.createStatement()) {
            st.execute("SET SESSION lock_wait_timeout=" + FTWRL_WAIT_SECONDS);
            for (int attempt = 1; ; attempt++) {
                try {
                    st.execute("FLUSH TABLES WITH READ LOCK");
                    return;
                } catch (SQLException e) {
                    if (e.getErrorCode() != ER_LOCK_WAIT_TIMEOUT) {
                        throw e;
                    }
                    if (attempt >= FTWRL_ATTEMPTS) {
                        throw new CloneException("could not take the global read lock on the source in " + attempt + " attempts of "
                                + FTWRL_WAIT_SECONDS + " s: long-running statements or transactions hold tables open"
                                + " (see SHOW PROCESSLIST); retry when the source is quieter", e);
                    }
                    log.warn("FLUSH TABLES WITH READ LOCK waited {} s (attempt {} of {}): running statements hold tables; retrying",
                            FTWRL_WAIT_SECONDS, attempt, FTWRL_ATTEMPTS);
                }
            }
        }
    }

    private static ClonePoint position(Connection c, ServerFlavour flavour) throws SQLException {
        String file = null;
        long pos = 0;
        try (Statement st = c.createStatement()) {
            ResultSet rs;
            if (flavour == ServerFlavour.MYSQL) {
                try {
                    rs = st.executeQuery("SHOW BINARY LOG STATUS"); // MySQL 8.2+; SHOW MASTER STATUS is gone in 8.4
                } catch (SQLException e) {
                    rs = st.executeQuery("SHOW MASTER STATUS");
                }
            } else {
                rs = st.executeQuery("SHOW MASTER STATUS");
            }
            try (ResultSet r = rs) {
                if (r.next()) {
                    file = r.getString("File");
                    pos = r.getLong("Position");
                }
            }
            if (file == null || file.isEmpty()) {
                throw new CloneException("the source reports no binlog position (SHOW MASTER STATUS is empty): is its binary log enabled (log_bin)?");
            }
            String gtidVar = flavour == ServerFlavour.MYSQL ? "@@GLOBAL.gtid_executed" : "@@GLOBAL.gtid_binlog_pos";
            try (ResultSet r = st.executeQuery("SELECT " + gtidVar)) {
                r.next();
                return new ClonePoint(file, pos, r.getString(1) == null ? "" : r.getString(1).replace("\n", ""));
            }
        }
    }

    /** Opens a consistent snapshot on every connection, all at one binlog position; may drop readers to one. */
    private static ClonePoint consistentSnapshot(List<Connection> conns, int attempts) throws SQLException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            String[] first = startSnapshot(conns.get(0));
            boolean same = true;
            for (int i = 1; i < conns.size() && same; i++) {
                String[] other = startSnapshot(conns.get(i));
                same = first[0].equals(other[0]) && first[1].equals(other[1]);
                if (!same) {
                    log.debug("snapshot attempt {}: reader {} at {}:{} but reader 0 at {}:{}", attempt, i, other[0], other[1], first[0], first[1]);
                }
            }
            if (!same && attempt >= attempts) {
                log.warn("readers could not share one snapshot in {} attempts (source too busy); continuing with one reader",
                        attempt);
                while (conns.size() > 1) {
                    Connection c = conns.remove(conns.size() - 1);
                    try (Statement st = c.createStatement()) {
                        st.execute("ROLLBACK");
                    }
                    c.close();
                }
                same = true;
            }
            if (same) {
                try (PreparedStatement ps = conns.get(0).prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
                    ps.setString(1, first[0]);
                    ps.setLong(2, Long.parseLong(first[1]));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        String gtid = rs.getString(1);
                        if (gtid == null) {
                            throw new CloneException("BINLOG_GTID_POS('" + first[0] + "', " + first[1] + ") is NULL on the source");
                        }
                        if (attempt > 1) {
                            log.info("readers share one snapshot after {} attempt(s)", attempt);
                        }
                        return new ClonePoint(first[0], Long.parseLong(first[1]), gtid);
                    }
                }
            }
            for (Connection c : conns) {
                try (Statement st = c.createStatement()) {
                    st.execute("ROLLBACK");
                }
            }
            Thread.sleep(Math.min(50, attempt));
        }
    }

    private static String[] startSnapshot(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            String file = null;
            String pos = null;
            try (ResultSet rs = st.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
                while (rs.next()) {
                    String name = rs.getString(1).toLowerCase(Locale.ROOT);
                    if (name.equals("binlog_snapshot_file")) {
                        file = rs.getString(2);
                    } else if (name.equals("binlog_snapshot_position")) {
                        pos = rs.getString(2);
                    }
                }
            }
            if (file == null || file.isEmpty() || pos == null) {
                throw new CloneException("the source reports no binlog_snapshot_file/position: is its binary log enabled (log_bin)?");
            }
            return new String[] {file, pos};
        }
    }
}
