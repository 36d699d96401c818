package io.paraverse.clone;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Snapshot clone of MariaDB (or, with the global read lock, MySQL) tables onto a target.
 * <ol>
 * <li>Checks first: the server flavour supports the {@link SnapshotMethod} and the source user holds the privileges
 * ({@link SourceGrants}); then {@link SchemaCopier} creates the databases and tables on the target (and refuses
 * what cannot be cloned).</li>
 * <li>{@link SnapshotOpener} opens one read view on N reader connections and returns the {@link ClonePoint}: without
 * any lock on MariaDB ({@link SnapshotMethod#CONSISTENT_SNAPSHOT}, the default), or under a brief
 * {@code FLUSH TABLES WITH READ LOCK} ({@link SnapshotMethod#GLOBAL_READ_LOCK}), held for the whole data copy if a
 * non-InnoDB table is included.</li>
 * <li>Each table is read in primary-key order by keyset pagination ({@link Options#chunkRows} rows a query), tables
 * shared between the readers (largest first). A table estimated above {@link Options#splitRows} rows with a
 * single-column integer key is split into key ranges ({@link KeyRange}) that different readers copy, all in the same
 * read view. Each chunk is written by a pool of writers as one bulk-executed prepared INSERT ({@link RowWriter})
 * on a HikariCP pool with foreign and unique checks off, UTC time
 * zone and {@code NO_AUTO_VALUE_ON_ZERO}. At most two chunks per reader are in flight: memory is bounded.</li>
 * <li>After the data: views and routines are created, triggers and events collected for cutover
 * ({@link SchemaCopier#copyProgrammableObjects}).</li>
 * </ol>
 * Values round-trip exactly as {@link TableCopyPlan} describes; generated columns are not copied. The copy cannot
 * resume: if the source or the target fails, the {@link CloneException} names the table and the clone must be rerun
 * with {@link SchemaCopier.Options#overwrite}.
 */
public final class SnapshotClone {
    private static final Logger log = LoggerFactory.getLogger(SnapshotClone.class);
    private static final int IN_FLIGHT_CHUNKS_PER_READER = 2;
    static final String TARGET_SESSION = "SET SESSION foreign_key_checks=0, SESSION unique_checks=0,"
            + " SESSION sql_mode='NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', SESSION time_zone='+00:00'";
    /** ER_RECORD_FILE_FULL ("The table is full"), ER_DISK_FULL. */
    private static final Set<Integer> OUT_OF_SPACE = Set.of(1114, 1021);

    /** Clone options; immutable, use the {@code with...} methods. */
    public record Options(SchemaCopier.Options schema, int readers, int writers, int chunkRows, int snapshotAttempts,
                          Duration progressInterval, CloneProgress progress, SnapshotMethod snapshotMethod, long splitRows) {
        public Options {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(progressInterval, "progressInterval");
            Objects.requireNonNull(progress, "progress");
            Objects.requireNonNull(snapshotMethod, "snapshotMethod");
            if (readers < 1 || writers < 1 || chunkRows < 1 || snapshotAttempts < 1 || splitRows < 1) {
                throw new IllegalArgumentException("readers, writers, chunkRows, snapshotAttempts and splitRows must be at least 1");
            }
        }

        /** The original shape: consistent snapshot, default split threshold. */
        public Options(SchemaCopier.Options schema, int readers, int writers, int chunkRows, int snapshotAttempts,
                       Duration progressInterval, CloneProgress progress) {
            this(schema, readers, writers, chunkRows, snapshotAttempts, progressInterval, progress,
                    SnapshotMethod.CONSISTENT_SNAPSHOT, DEFAULT_SPLIT_ROWS);
        }

        /** Tables estimated above this many rows are split into key ranges (when their key is one integer column). */
        public static final long DEFAULT_SPLIT_ROWS = 1_000_000;

        /**
         * Defaults: 2 readers, 4 writers, 5,000-row chunks, 200 snapshot attempts, progress logged every 5 s,
         * {@link SnapshotMethod#CONSISTENT_SNAPSHOT}, tables above 1,000,000 rows split.
         */
        public static Options of(SchemaCopier.Options schema) {
            return new Options(schema, 2, 4, 5_000, 200, Duration.ofSeconds(5), CloneProgress.NONE);
        }

        public static Options of(String... include) {
            return of(SchemaCopier.Options.of(include));
        }

        public Options withSchema(SchemaCopier.Options v) { return new Options(v, readers, writers, chunkRows, snapshotAttempts, progressInterval, progress, snapshotMethod, splitRows); }
        public Options withReaders(int v) { return new Options(schema, v, writers, chunkRows, snapshotAttempts, progressInterval, progress, snapshotMethod, splitRows); }
        public Options withWriters(int v) { return new Options(schema, readers, v, chunkRows, snapshotAttempts, progressInterval, progress, snapshotMethod, splitRows); }
        public Options withChunkRows(int v) { return new Options(schema, readers, writers, v, snapshotAttempts, progressInterval, progress, snapshotMethod, splitRows); }
        public Options withSnapshotAttempts(int v) { return new Options(schema, readers, writers, chunkRows, v, progressInterval, progress, snapshotMethod, splitRows); }
        public Options withProgressInterval(Duration v) { return new Options(schema, readers, writers, chunkRows, snapshotAttempts, v, progress, snapshotMethod, splitRows); }
        public Options withProgress(CloneProgress v) { return new Options(schema, readers, writers, chunkRows, snapshotAttempts, progressInterval, v, snapshotMethod, splitRows); }
        /** How the snapshot's binlog point is fixed; GLOBAL_READ_LOCK for MySQL sources and non-InnoDB tables. */
        public Options withSnapshotMethod(SnapshotMethod v) { return new Options(schema, readers, writers, chunkRows, snapshotAttempts, progressInterval, progress, v, splitRows); }
        /**
         * Tables estimated above {@code v} rows with a single-column integer primary key are split into key ranges of
         * about {@code v} rows (at least one per reader) that the readers copy in parallel; Long.MAX_VALUE: never.
         */
        public Options withSplitRows(long v) { return new Options(schema, readers, writers, chunkRows, snapshotAttempts, progressInterval, progress, snapshotMethod, v); }
    }

    /** One unit of reading: a whole table (range null) or one key range of a split table. */
    private record Work(TableState table, KeyRange range) {
        long estimatedRows() {
            return range == null ? table.plan.estimatedRows() : table.plan.estimatedRows() / range.count();
        }

        String describe() {
            return range == null ? table.plan.table().toString() : table.plan.table() + " " + range.describe();
        }
    }

    /** Rows copied of one table, over all its ranges. */
    private static final class TableState {
        final TableCopyPlan plan;
        final AtomicLong copied = new AtomicLong();
        final AtomicInteger remaining;

        String selectList;

        TableState(TableCopyPlan plan, int parts) {
            this.plan = plan;
            this.remaining = new AtomicInteger(parts);
        }
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

    /** Copies the schema, then the data as of one snapshot, then views and routines; returns the clone point and counts. */
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
        SnapshotMethod method = options.snapshotMethod();
        SchemaCopier.Options schemaOptions = options.schema();
        if (method == SnapshotMethod.GLOBAL_READ_LOCK) {
            schemaOptions = schemaOptions.withAllowNonInnoDb(true); // the lock, held for the copy, makes them consistent
        }
        ServerFlavour flavour;
        SchemaCopier.Result schema;
        List<TableCopyPlan> plans = new ArrayList<>();
        Map<TableRef, Integer> parts = new LinkedHashMap<>();
        List<String> nonInnoDb;
        try (Connection s = source.connect(); Connection t = target.connect()) {
            String version = ServerFlavour.version(s);
            flavour = ServerFlavour.of(version);
            SnapshotOpener.checkMethod(flavour, version, method, source);
            SourceGrants.check(s, flavour, method, schemaOptions.include());
            schema = SchemaCopier.copy(s, t, schemaOptions);
            for (TableRef ref : schema.tables()) {
                TableCopyPlan p = TableCopyPlan.of(s, ref);
                plans.add(p);
                parts.put(ref, parts(s, p));
            }
            nonInnoDb = SchemaCopier.nonInnoDb(s, schema.tables());
        }
        List<String> warnings = new ArrayList<>(schema.warnings());
        boolean holdLock = method == SnapshotMethod.GLOBAL_READ_LOCK && !nonInnoDb.isEmpty();
        if (holdLock) {
            log.warn("holding the global read lock on the source {} until the data copy is done: {} not InnoDB (no consistent"
                    + " read without it); writes on the source wait until then", source, nonInnoDb);
        } else if (!nonInnoDb.isEmpty()) {
            String w = "tables " + nonInnoDb + " are not InnoDB and are copied without a consistent read (allowNonInnoDb):"
                    + " they may not match the clone point; use SnapshotMethod.GLOBAL_READ_LOCK for an exact copy";
            log.warn("{}", w);
            warnings.add(w);
        }
        int units = parts.values().stream().mapToInt(Integer::intValue).sum();
        int readers = Math.max(1, Math.min(options.readers(), units));
        List<Connection> conns = new ArrayList<>();
        ClonePoint point;
        Map<TableRef, Long> rows;
        try {
            for (int i = 0; i < readers; i++) {
                Connection c = source.connect();
                conns.add(c);
                try (Statement st = c.createStatement()) {
                    st.execute("SET SESSION time_zone='+00:00', SESSION sql_mode='NO_ENGINE_SUBSTITUTION'");
                    st.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                }
            }
            try (SnapshotOpener.Opened snapshot = SnapshotOpener.open(source, conns, method, flavour, holdLock, options.snapshotAttempts())) {
                point = snapshot.point();
                log.info("snapshot taken on {} reader(s) at {} ({})", conns.size(), point, method);
                rows = copyAll(conns, work(conns.get(0), plans, parts));
            } // releases a held global read lock: the data copy is done
            for (Connection c : conns) {
                try (Statement st = c.createStatement()) {
                    st.execute("COMMIT");
                }
            }
        } finally {
            for (Connection c : conns) {
                try {
                    c.close();
                } catch (SQLException e) {
                    log.debug("closing a reader: {}", e.toString());
                }
            }
        }
        SchemaCopier.ObjectsResult objects;
        try (Connection s = source.connect(); Connection t = target.connect()) {
            objects = SchemaCopier.copyProgrammableObjects(s, t, schemaOptions);
        }
        Map<TableRef, Long> ordered = new LinkedHashMap<>();
        for (TableRef r : schema.tables()) {
            ordered.put(r, rows.getOrDefault(r, 0L));
        }
        List<String> skipped = schema.skipped().stream().filter(x -> !SchemaCopier.PROGRAMMABLE.matcher(x).lookingAt()).toList();
        CloneResult result = new CloneResult(point, ordered, skipped, objects.report(), objects.deferred(), warnings);
        log.info("clone done: {} table(s), {} row(s), {} deferred trigger(s)/event(s), clone point {}", ordered.size(),
                result.totalRows(), objects.deferred().size(), point);
        return result;
    }

    /** How many key ranges a table is read in: 1 unless it is large and its key is one integer column. */
    private int parts(Connection source, TableCopyPlan p) throws SQLException {
        if (p.estimatedRows() <= options.splitRows() || options.readers() < 2 || !KeyRange.splittable(source, p)) {
            return 1;
        }
        long bySize = (p.estimatedRows() + options.splitRows() - 1) / options.splitRows();
        return (int) Math.min(256, Math.max(options.readers(), bySize)); // bounded: each boundary costs a bisection
    }

    /** The reading units, largest first; key ranges are computed on a reader, inside the snapshot. */
    private List<Work> work(Connection reader, List<TableCopyPlan> plans, Map<TableRef, Integer> parts) throws SQLException {
        List<Work> out = new ArrayList<>();
        for (TableCopyPlan p : plans) {
            int n = parts.get(p.table());
            String select = p.selectList();
            if (n <= 1) {
                TableState whole = new TableState(p, 1);
                whole.selectList = select;
                out.add(new Work(whole, null));
                continue;
            }
            List<KeyRange> ranges = KeyRange.split(reader, p, n);
            TableState state = new TableState(p, ranges.size());
            state.selectList = select;
            log.info("splitting {} (~{} rows) into {} key ranges on {}", p.table(), p.estimatedRows(), ranges.size(), p.primaryKey().get(0));
            for (KeyRange r : ranges) {
                out.add(new Work(state, ranges.size() == 1 ? null : r));
            }
        }
        out.sort(Comparator.comparingLong(Work::estimatedRows).reversed());
        return out;
    }

    private Map<TableRef, Long> copyAll(List<Connection> readers, List<Work> work) throws InterruptedException, SQLException {
        ConcurrentLinkedQueue<Work> queue = new ConcurrentLinkedQueue<>(work);
        Map<TableRef, Long> rows = new ConcurrentHashMap<>();
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(target.jdbcUrlForWrites());
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
                    Work w;
                    while (failure.get() == null && (w = queue.poll()) != null) {
                        try {
                            copy(reader, w, pool, writers);
                            if (w.table().remaining.get() == 0) {
                                rows.put(w.table().plan.table(), w.table().copied.get());
                            }
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

    private void copy(Connection reader, Work w, HikariDataSource pool, ExecutorService writers) throws Exception {
        TableCopyPlan p = w.table().plan;
        AtomicLong copied = w.table().copied;
        if (w.range() == null || w.range().index() == 0) {
            log.info("copying {} (~{} rows, {})", p.table(), p.estimatedRows(),
                    p.primaryKey().isEmpty() ? "no primary key: one streamed scan" : "by primary key " + p.primaryKey());
        }
        active.putIfAbsent(p.table(), new AtomicLong[] {copied, new AtomicLong(p.estimatedRows())});
        Semaphore inFlight = new Semaphore(IN_FLIGHT_CHUNKS_PER_READER);
        List<Future<?>> pending = new ArrayList<>();
        RowWriter writer = new RowWriter(p, false);
        AtomicLong read = new AtomicLong();
        ChunkSink sink = chunk -> {
            read.addAndGet(chunk.size());
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
                    failure.compareAndSet(null, writeFailure(p, e));
                } finally {
                    inFlight.release();
                }
                return null;
            }));
        };
        try {
            if (p.primaryKey().isEmpty()) {
                readStreamed(reader, p, w.table().selectList, sink);
            } else {
                readByKey(reader, p, w.table().selectList, w.range(), sink);
            }
        } catch (SQLException e) {
            throw readFailure(w, e);
        }
        inFlight.acquire(IN_FLIGHT_CHUNKS_PER_READER); // all chunks written
        inFlight.release(IN_FLIGHT_CHUNKS_PER_READER);
        if (failure.get() != null) {
            Throwable f = failure.get();
            throw f instanceof CloneException ce ? ce : new CloneException("aborted copying " + w.describe(), f);
        }
        if (w.range() != null) {
            log.debug("copied {}: {} rows", w.describe(), read.get());
        }
        if (w.table().remaining.decrementAndGet() == 0) {
            active.remove(p.table());
            log.info("copied {}: {} rows", p.table(), copied.get());
        }
    }

    /** A reading failure (source gone, killed query...): the snapshot is lost with its connection. */
    private CloneException readFailure(Work w, SQLException e) {
        return new CloneException("reading " + w.describe() + " from the source " + source + " failed: " + e.getMessage()
                + ". A snapshot clone cannot resume: rerun the clone (with overwrite) once the source is reachable", e);
    }

    /** A writing failure; running out of space says so, since the remedy is not in the data. */
    private CloneException writeFailure(TableCopyPlan p, Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SQLException se && (OUT_OF_SPACE.contains(se.getErrorCode())
                    || String.valueOf(se.getMessage()).contains("errno: 28"))) {
                return new CloneException("the target " + target + " ran out of space writing table " + p.table() + " ("
                        + se.getMessage() + "). Free space on the target (or give it more), then rerun the clone with"
                        + " overwrite: a snapshot clone cannot resume", e);
            }
        }
        return new CloneException("writing " + p.table() + " to the target: " + e.getMessage(), e);
    }

    private interface ChunkSink {
        void accept(List<Object[]> chunk) throws Exception;
    }

    private void readByKey(Connection reader, TableCopyPlan p, String selectList, KeyRange range, ChunkSink sink) throws Exception {
        KeysetQuery query = new KeysetQuery(p, options.chunkRows(), "");
        Object[] last = range == null ? null : range.startAfter();
        Object upTo = range == null ? null : range.upperBound();
        while (failure.get() == null) {
            List<Object[]> chunk = query.readUpTo(reader, last, upTo);
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

    private void readStreamed(Connection reader, TableCopyPlan p, String selectList, ChunkSink sink) throws Exception {
        try (Statement st = reader.createStatement()) {
            st.setFetchSize(Math.min(options.chunkRows(), 1000));
            try (ResultSet rs = st.executeQuery("SELECT " + selectList + " FROM " + p.table().quoted())) {
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
