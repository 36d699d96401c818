package io.paraverse.clone;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Consistent-snapshot clone of MariaDB tables onto a target, without a global lock.
 * <ol>
 * <li>{@link SchemaCopier} creates the databases and tables on the target (and refuses what cannot be cloned).</li>
 * <li>N source connections each run {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} at REPEATABLE READ. On MariaDB
 * the snapshot reports the binlog position it corresponds to ({@code binlog_snapshot_file/position}); snapshots
 * reporting the same position saw the same committed transactions, so they share one read view. If a connection
 * reports another position (a commit slipped in between), all snapshots are taken again; after
 * {@link Options#snapshotAttempts} failures the clone continues with a single reader (always consistent).</li>
 * <li>The position is mapped to a GTID position with {@code BINLOG_GTID_POS(file, pos)}: the {@link ClonePoint}.</li>
 * <li>Each table is read in primary-key order by keyset pagination ({@link Options#chunkRows} rows a query), tables
 * shared between the readers (largest first), and each chunk is written by a pool of writers as multi-row INSERTs
 * (at most {@link RowWriter#MAX_STATEMENT_BYTES} a statement) on a HikariCP pool with foreign and unique checks off, UTC time
 * zone and {@code NO_AUTO_VALUE_ON_ZERO}. At most two chunks per reader are in flight: memory is bounded.</li>
 * </ol>
 * Values round-trip exactly as {@link TableCopyPlan} describes; generated columns are not copied.
 */
public final class SnapshotClone {
    private static final Logger log = LoggerFactory.getLogger(SnapshotClone.class);
    private static final int IN_FLIGHT_CHUNKS_PER_READER = 2;
    static final String TARGET_SESSION = "SET SESSION foreign_key_checks=0, SESSION unique_checks=0,"
            + " SESSION sql_mode='NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', SESSION time_zone='+00:00'";

    /** Clone options; immutable, use the {@code with...} methods. */
    public record Options(SchemaCopier.Options schema, int readers, int writers, int chunkRows, int snapshotAttempts,
                          Duration progressInterval, CloneProgress progress) {
        public Options {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(progressInterval, "progressInterval");
            Objects.requireNonNull(progress, "progress");
            if (readers < 1 || writers < 1 || chunkRows < 1 || snapshotAttempts < 1) {
                throw new IllegalArgumentException("readers, writers, chunkRows and snapshotAttempts must be at least 1");
            }
        }

        /** Defaults: 2 readers, 4 writers, 5,000-row chunks, 200 snapshot attempts, progress logged every 5 s. */
        public static Options of(SchemaCopier.Options schema) {
            return new Options(schema, 2, 4, 5_000, 200, Duration.ofSeconds(5), CloneProgress.NONE);
        }

        public static Options of(String... include) {
            return of(SchemaCopier.Options.of(include));
        }

        public Options withSchema(SchemaCopier.Options v) { return new Options(v, readers, writers, chunkRows, snapshotAttempts, progressInterval, progress); }
        public Options withReaders(int v) { return new Options(schema, v, writers, chunkRows, snapshotAttempts, progressInterval, progress); }
        public Options withWriters(int v) { return new Options(schema, readers, v, chunkRows, snapshotAttempts, progressInterval, progress); }
        public Options withChunkRows(int v) { return new Options(schema, readers, writers, v, snapshotAttempts, progressInterval, progress); }
        public Options withSnapshotAttempts(int v) { return new Options(schema, readers, writers, chunkRows, v, progressInterval, progress); }
        public Options withProgressInterval(Duration v) { return new Options(schema, readers, writers, chunkRows, snapshotAttempts, v, progress); }
        public Options withProgress(CloneProgress v) { return new Options(schema, readers, writers, chunkRows, snapshotAttempts, progressInterval, v); }
    }

    private final CloneEndpoint source;
    private final CloneEndpoint target;
    private final Options options;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Map<TableRef, AtomicLong[]> active = new ConcurrentHashMap<>();

    private SnapshotClone(CloneEndpoint source, CloneEndpoint target, Options options) {
        this.source = Objects.requireNonNull(source, "source");
        this.target = Objects.requireNonNull(target, "target");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Copies the schema, then the data as of one consistent snapshot; returns the clone point and row counts. */
    public static CloneResult run(CloneEndpoint source, CloneEndpoint target, Options options) {
        try {
            return new SnapshotClone(source, target, options).run();
        } catch (SQLException e) {
            throw new CloneException("clone " + source + " -> " + target + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloneException("clone " + source + " -> " + target + " interrupted", e);
        }
    }

    private CloneResult run() throws SQLException, InterruptedException {
        SchemaCopier.Result schema;
        List<TableCopyPlan> plans = new ArrayList<>();
        try (Connection s = source.connect(); Connection t = target.connect()) {
            schema = SchemaCopier.copy(s, t, options.schema());
            for (TableRef ref : schema.tables()) {
                plans.add(TableCopyPlan.of(s, ref));
            }
        }
        int readers = Math.max(1, Math.min(options.readers(), plans.size()));
        List<Connection> conns = new ArrayList<>();
        try {
            for (int i = 0; i < readers; i++) {
                Connection c = source.connect();
                conns.add(c);
                try (Statement st = c.createStatement()) {
                    st.execute("SET SESSION time_zone='+00:00', SESSION sql_mode='NO_ENGINE_SUBSTITUTION'");
                    st.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                }
            }
            ClonePoint point = openSharedSnapshot(conns);
            log.info("snapshot taken on {} reader(s) at {}", conns.size(), point);
            Map<TableRef, Long> rows = copyAll(conns, plans);
            for (Connection c : conns) {
                try (Statement st = c.createStatement()) {
                    st.execute("COMMIT");
                }
            }
            Map<TableRef, Long> ordered = new LinkedHashMap<>();
            for (TableRef r : schema.tables()) {
                ordered.put(r, rows.getOrDefault(r, 0L));
            }
            CloneResult result = new CloneResult(point, ordered, schema.skipped());
            log.info("clone done: {} table(s), {} row(s), clone point {}", ordered.size(), result.totalRows(), point);
            return result;
        } finally {
            for (Connection c : conns) {
                try {
                    c.close();
                } catch (SQLException e) {
                    log.debug("closing a reader: {}", e.toString());
                }
            }
        }
    }

    /** Opens a consistent snapshot on every connection, all at one binlog position; may drop readers to one. */
    private ClonePoint openSharedSnapshot(List<Connection> conns) throws SQLException, InterruptedException {
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
            if (!same && attempt >= options.snapshotAttempts()) {
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

    private Map<TableRef, Long> copyAll(List<Connection> readers, List<TableCopyPlan> plans) throws InterruptedException, SQLException {
        List<TableCopyPlan> sorted = new ArrayList<>(plans);
        sorted.sort(Comparator.comparingLong(TableCopyPlan::estimatedRows).reversed());
        ConcurrentLinkedQueue<TableCopyPlan> queue = new ConcurrentLinkedQueue<>(sorted);
        Map<TableRef, Long> rows = new ConcurrentHashMap<>();
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(target.jdbcUrl());
        hc.setUsername(target.user());
        hc.setPassword(target.password());
        hc.setMaximumPoolSize(options.writers());
        hc.setMinimumIdle(0);
        hc.setAutoCommit(true);
        hc.setConnectionInitSql(TARGET_SESSION);
        hc.setPoolName("paraverse-clone-writers");
        ExecutorService writers = Executors.newFixedThreadPool(options.writers(), named("clone-writer"));
        ExecutorService readerPool = Executors.newFixedThreadPool(readers.size(), named("clone-reader"));
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(named("clone-progress"));
        long intervalMs = Math.max(100, options.progressInterval().toMillis());
        ticker.scheduleAtFixedRate(this::logProgress, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        try (HikariDataSource pool = new HikariDataSource(hc)) {
            List<Future<?>> futures = new ArrayList<>();
            for (Connection reader : readers) {
                futures.add(readerPool.submit(() -> {
                    TableCopyPlan p;
                    while (failure.get() == null && (p = queue.poll()) != null) {
                        try {
                            rows.put(p.table(), copyTable(reader, p, pool, writers));
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failure.compareAndSet(null, e.getCause());
                }
            }
        } finally {
            ticker.shutdownNow();
            readerPool.shutdownNow();
            writers.shutdownNow();
        }
        Throwable f = failure.get();
        if (f != null) {
            if (f instanceof CloneException ce) {
                throw ce;
            }
            if (f instanceof SQLException se) {
                throw se;
            }
            throw new CloneException("clone failed: " + f, f);
        }
        return rows;
    }

    private long copyTable(Connection reader, TableCopyPlan p, HikariDataSource pool, ExecutorService writers) throws Exception {
        log.info("copying {} (~{} rows, {})", p.table(), p.estimatedRows(),
                p.primaryKey().isEmpty() ? "no primary key: one streamed scan" : "by primary key " + p.primaryKey());
        AtomicLong copied = new AtomicLong();
        active.put(p.table(), new AtomicLong[] {copied, new AtomicLong(p.estimatedRows())});
        Semaphore inFlight = new Semaphore(IN_FLIGHT_CHUNKS_PER_READER);
        List<Future<?>> pending = new ArrayList<>();
        RowWriter writer = new RowWriter(p, false);
        try {
            ChunkSink sink = chunk -> {
                inFlight.acquire();
                if (failure.get() != null) {
                    inFlight.release();
                    throw new CloneException("aborted: another table failed");
                }
                pending.removeIf(Future::isDone);
                pending.add(writers.submit(() -> {
                    try {
                        try (Connection c = pool.getConnection()) {
                            writer.write(c, chunk);
                        }
                        long n = copied.addAndGet(chunk.size());
                        options.progress().progress(p.table(), n, p.estimatedRows());
                    } catch (Throwable e) {
                        failure.compareAndSet(null, new CloneException("writing " + p.table() + " to the target: " + e.getMessage(), e));
                    } finally {
                        inFlight.release();
                    }
                    return null;
                }));
            };
            if (p.primaryKey().isEmpty()) {
                readStreamed(reader, p, sink);
            } else {
                readByKey(reader, p, sink);
            }
            inFlight.acquire(IN_FLIGHT_CHUNKS_PER_READER); // all chunks written
            inFlight.release(IN_FLIGHT_CHUNKS_PER_READER);
            if (failure.get() != null) {
                throw new CloneException("aborted copying " + p.table(), failure.get());
            }
            log.info("copied {}: {} rows", p.table(), copied.get());
            return copied.get();
        } finally {
            active.remove(p.table());
        }
    }

    private interface ChunkSink {
        void accept(List<Object[]> chunk) throws Exception;
    }

    private void readByKey(Connection reader, TableCopyPlan p, ChunkSink sink) throws Exception {
        KeysetQuery query = new KeysetQuery(p, options.chunkRows(), "");
        Object[] last = null;
        while (failure.get() == null) {
            List<Object[]> chunk = query.read(reader, last);
            if (chunk.isEmpty()) {
                return;
            }
            last = query.keyOf(chunk.get(chunk.size() - 1));
            sink.accept(chunk);
            if (chunk.size() < options.chunkRows()) {
                return;
            }
        }
    }

    private void readStreamed(Connection reader, TableCopyPlan p, ChunkSink sink) throws Exception {
        try (Statement st = reader.createStatement()) {
            st.setFetchSize(Math.min(options.chunkRows(), 1000));
            try (ResultSet rs = st.executeQuery("SELECT " + p.selectList() + " FROM " + p.table().quoted())) {
                List<Object[]> chunk = new ArrayList<>();
                while (rs.next()) {
                    chunk.add(p.readRow(rs));
                    if (chunk.size() >= options.chunkRows()) {
                        sink.accept(chunk);
                        chunk = new ArrayList<>();
                    }
                }
                if (!chunk.isEmpty()) {
                    sink.accept(chunk);
                }
            }
        }
    }

    private void logProgress() {
        for (Map.Entry<TableRef, AtomicLong[]> e : active.entrySet()) {
            AtomicLong[] v = e.getValue();
            log.info("clone progress {}: {} of ~{} rows", e.getKey(), v[0].get(), v[1].get());
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
