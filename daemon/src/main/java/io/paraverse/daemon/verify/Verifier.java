package io.paraverse.daemon.verify;

import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.GtidPosition;
import io.paraverse.daemon.verify.RowComparer.Item;
import io.paraverse.daemon.verify.RowComparer.Range;
import io.paraverse.daemon.verify.RowComparer.Result;
import io.paraverse.daemon.verify.VerificationReport.Finding;
import io.paraverse.translator.Column;
import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TranslationContext;
import io.paraverse.translator.Translator;
import io.paraverse.translator.TranslatorChain;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Compares production with the clone across the schema change: production rows are read (never faster than the
 * rate limit), translated by the migration's translators as the INSERTs capture would deliver, and compared with
 * the clone's rows (see {@link VerifyMode} and docs/VERIFY.md).
 * <p>
 * Both databases change while this runs. A key that differs is compared again once the applier has applied past the
 * source position read after the comparison ({@link ApplyProgress}); it counts as a difference only if production's
 * row stayed the same around that re-check and the clone still differs, and as unsettled if production kept changing
 * it or the applier did not get there in time. Read-only on both sides: the sessions are READ ONLY, and translators
 * see the applier's id maps but cannot allocate ({@link ReadOnlyContext}).
 */
public final class Verifier {
    private static final int PENDING_LIMIT = 1_000;
    private static final int EXTRA_CANDIDATES_LIMIT = 100_000;
    private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;
    private static final Duration STALLED_WAIT = Duration.ofSeconds(2);

    private final Endpoint source;
    private final Endpoint target;
    private final Translator translator;
    private final TranslationContext translationContext;
    private final ApplyProgress progress;
    private final VerifyOptions options;
    private final Consumer<String> log;

    /**
     * @param translator         the migration's translator (a {@link TranslatorChain} routes per table; identity for the rest)
     * @param translationContext the configuration and schema map the migration translates with
     * @param log                progress lines on long runs
     */
    public Verifier(Endpoint source, Endpoint target, Translator translator, TranslationContext translationContext,
                    ApplyProgress progress, VerifyOptions options, Consumer<String> log) {
        this.source = source;
        this.target = target;
        this.translator = translator;
        this.translationContext = translationContext;
        this.progress = progress;
        this.options = options;
        this.log = log;
    }

    /** Every row of every table ("schema.table"), in primary-key chunks. */
    public VerificationReport full(List<String> tables) throws SQLException, InterruptedException {
        try (Run run = new Run(VerifyMode.FULL)) {
            for (String t : tables) {
                SourceTableRun r = run.open(t);
                if (r != null) {
                    inContext(t, () -> run.full(r));
                }
            }
            inContext("the scan for extra rows", run::scanExtras);
            return run.report();
        }
    }

    /** {@code perTable} random rows of each table (every row when the table has no more than that). */
    public VerificationReport sampled(List<String> tables, int perTable) throws SQLException, InterruptedException {
        if (perTable <= 0) {
            throw new IllegalArgumentException("sample size must be above 0, got " + perTable);
        }
        try (Run run = new Run(VerifyMode.SAMPLED)) {
            for (String t : tables) {
                SourceTableRun r = run.open(t);
                if (r != null) {
                    inContext(t, () -> run.compareItems(r, run.sample(r, perTable)));
                }
            }
            return run.report();
        }
    }

    /** The given source keys (values in primary-key order) per table ("schema.table"). */
    public VerificationReport keys(Map<String, List<List<Object>>> keysByTable) throws SQLException, InterruptedException {
        try (Run run = new Run(VerifyMode.KEYS)) {
            for (Map.Entry<String, List<List<Object>>> e : keysByTable.entrySet()) {
                SourceTableRun r = run.open(e.getKey());
                if (r != null) {
                    inContext(e.getKey(), () -> run.compareItems(r, run.byKeys(r, e.getValue())));
                }
            }
            return run.report();
        }
    }

    private interface Step {
        void run() throws SQLException, InterruptedException;
    }

    /** Runs a step; a database error says which table it happened on. */
    private static void inContext(String what, Step step) throws SQLException, InterruptedException {
        try {
            step.run();
        } catch (SQLException e) {
            throw new SQLException("verifying " + what + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        }
    }

    /** A translated target table: every key production translated produced for it, and which source tables feed it. */
    private record Track(TableDef def, List<String> keyColumns, ExpectedKeySet keys, Set<String> sources) { }

    /** One verification: its connections, rate limiter, tallies and the keys of translated target tables. */
    private final class Run implements AutoCloseable {
        final VerifyMode mode;
        final long startNanos = System.nanoTime();
        final Instant started = Instant.now();
        final Connection src;
        final Connection tgt;
        final RowRateLimiter limiter = new RowRateLimiter(options.rowsPerSecond());
        final TargetRows targetRows;
        final RowComparer comparer;
        final Map<String, SourceTableRun> tables = new LinkedHashMap<>();
        final Map<String, Track> tracks = new LinkedHashMap<>();
        final Random random = new Random(options.seed());
        long lastProgress = System.nanoTime();
        boolean applierStalled;

        Run(VerifyMode mode) throws SQLException {
            this.mode = mode;
            this.src = connect(source, "production", options.statementTimeout());
            Connection t;
            try {
                t = connect(target, "the clone", options.statementTimeout());
            } catch (SQLException e) {
                src.close();
                throw e;
            }
            this.tgt = t;
            this.targetRows = new TargetRows(tgt);
            this.comparer = new RowComparer(targetRows, new ReadOnlyContext(translationContext, tgt, targetRows,
                    options.idMapSchema(), options.pipeline()));
        }

        SourceTableRun open(String qualified) throws SQLException {
            int dot = qualified.indexOf('.');
            if (dot <= 0) {
                throw new IllegalArgumentException("table '" + qualified + "' is not schema.table");
            }
            String schema = qualified.substring(0, dot);
            String table = qualified.substring(dot + 1);
            Translator route = translator instanceof TranslatorChain chain ? chain.translatorFor(schema, table) : translator;
            String name = route == null ? "dropped" : route.name();
            TableTally tally = new TableTally(qualified, name, options.findingsPerTable());
            SourceTableRun run;
            SourceRows rows;
            try {
                rows = new SourceRows(src, schema, table, limiter);
            } catch (IllegalArgumentException e) { // no such table, or a column type the change model lacks
                throw new IllegalArgumentException("production table " + qualified + " cannot be verified: " + e.getMessage(), e);
            }
            tally.primaryKey(rows.def().primaryKey());
            run = new SourceTableRun(qualified, rows, route, route instanceof IdentityTranslator,
                    translationContext.targetSchema(schema), tally);
            tables.put(qualified, run);
            if (route == null) {
                tally.skipped("dropped by the migration (no target rows expected)");
                return null;
            }
            if (!rows.def().hasPrimaryKey()) {
                tally.skipped("no primary key: rows cannot be matched");
                return null;
            }
            return run;
        }

        void full(SourceTableRun r) throws SQLException, InterruptedException {
            int chunk = options.effectiveChunkRows();
            Map<RowKey, KeyCheck> pending = new LinkedHashMap<>();
            List<Object> after = null;
            while (true) {
                List<Object[]> rows = r.source.after(after, chunk);
                boolean last = rows.size() < chunk;
                List<Item> items = new ArrayList<>(rows.size());
                for (Object[] row : rows) {
                    items.add(new Item(r.source.keyOf(row), row));
                }
                if (!items.isEmpty() || r.identity) {
                    List<Object> upTo = last ? null : items.get(items.size() - 1).key();
                    Result res = comparer.compare(r, items, r.identity ? new Range(after, upTo) : null);
                    r.tally.chunks++;
                    if (res.digestDiffered()) {
                        r.tally.chunksDiffering++;
                    }
                    collect(r, res, pending);
                    if (pending.size() >= PENDING_LIMIT) {
                        recheck(r, pending);
                        pending = new LinkedHashMap<>();
                    }
                    logProgress(r, false);
                }
                if (last) {
                    break;
                }
                after = items.get(items.size() - 1).key();
            }
            recheck(r, pending);
            logProgress(r, true);
        }

        /** SAMPLED and KEYS: the items in chunks, by key. */
        void compareItems(SourceTableRun r, List<Item> items) throws SQLException, InterruptedException {
            int chunk = options.effectiveChunkRows();
            Map<RowKey, KeyCheck> pending = new LinkedHashMap<>();
            for (int from = 0; from < items.size(); from += chunk) {
                Result res = comparer.compare(r, items.subList(from, Math.min(items.size(), from + chunk)), null);
                r.tally.chunks++;
                if (res.digestDiffered()) {
                    r.tally.chunksDiffering++;
                }
                collect(r, res, pending);
                if (pending.size() >= PENDING_LIMIT) {
                    recheck(r, pending);
                    pending = new LinkedHashMap<>();
                }
                logProgress(r, false);
            }
            recheck(r, pending);
            logProgress(r, true);
        }

        private void collect(SourceTableRun r, Result res, Map<RowKey, KeyCheck> pending) {
            for (KeyCheck c : res.checks()) {
                if (c.clean()) {
                    settle(r, c);
                } else {
                    pending.put(c.sourceKey(), c);
                }
            }
        }

        /**
         * Compares differing keys again after the applier has applied past the source position read now: reads
         * production, the clone, and production again; a difference with production's row the same in all three reads
         * is persistent. Up to {@code recheckRounds} rounds; what still moves is unsettled.
         */
        void recheck(SourceTableRun r, Map<RowKey, KeyCheck> first) throws SQLException, InterruptedException {
            Map<RowKey, KeyCheck> prev = first;
            for (int round = 1; round <= options.recheckRounds() && !prev.isEmpty(); round++) {
                r.tally.rechecked += prev.size();
                String position = GtidPosition.current(source);
                if (!awaitApplied(position)) {
                    String why = "the applier did not apply up to production's position " + position + " in time"
                            + " (waited up to " + options.recheckTimeout().toSeconds() + " s; is the daemon running and applying?)";
                    for (KeyCheck c : prev.values()) {
                        unsettle(r, c, why);
                    }
                    return;
                }
                List<List<Object>> keys = prev.values().stream().map(KeyCheck::key).toList();
                Result res = comparer.compare(r, byKeys(r, keys), null);
                List<List<Object>> differing = new ArrayList<>();
                for (KeyCheck c : res.checks()) {
                    if (!c.clean()) {
                        differing.add(c.key());
                    }
                }
                Map<RowKey, String> again = new LinkedHashMap<>();
                for (Item it : byKeys(r, differing)) {
                    again.put(r.source.rowKey(it.key()), it.row() == null ? RowComparer.ABSENT : RowComparer.state(r.source.def(), it.row()));
                }
                Map<RowKey, KeyCheck> next = new LinkedHashMap<>();
                for (KeyCheck c : res.checks()) {
                    KeyCheck before = prev.get(c.sourceKey());
                    if (c.clean()) {
                        settle(r, c);
                    } else if (before != null && before.sourceState().equals(c.sourceState()) && c.sourceState().equals(again.get(c.sourceKey()))) {
                        settle(r, c); // production held still and the applier got past it: the difference is real
                    } else {
                        next.put(c.sourceKey(), c);
                    }
                }
                prev = next;
            }
            for (KeyCheck c : prev.values()) {
                unsettle(r, c, "production changed this row during each of " + options.recheckRounds() + " re-checks");
            }
        }

        private void settle(SourceTableRun r, KeyCheck c) {
            r.tally.settled(c);
            track(r, c);
        }

        private void unsettle(SourceTableRun r, KeyCheck c, String why) {
            r.tally.unsettled(c, why);
            track(r, c);
        }

        /** FULL, translated tables: remember the target keys expected, for the scan for extra rows. */
        private void track(SourceTableRun r, KeyCheck c) {
            if (mode != VerifyMode.FULL || r.identity) {
                return;
            }
            for (Expected e : c.expected()) {
                Track t = tracks.computeIfAbsent(e.tableName(), k -> new Track(e.table(), e.keyColumns(), new ExpectedKeySet(), new LinkedHashSet<>()));
                t.sources().add(r.name);
                t.keys().add(e.key()); // an absent one too: its key's comparison already reported a row the clone has there
            }
        }

        /**
         * FULL: rows of translated target tables that no production row translates to. Candidates are confirmed after
         * the applier has caught up (production may have added their rows after their chunk was read): the source
         * tables feeding the table are translated again, and what is still unexplained and still on the clone once the
         * applier has passed that second read is extra.
         */
        void scanExtras() throws SQLException, InterruptedException {
            for (Map.Entry<String, Track> e : tracks.entrySet()) {
                Track t = e.getValue();
                List<Column> kc = TargetRows.columns(t.def(), t.keyColumns());
                Map<RowKey, List<Object>> candidates = new LinkedHashMap<>();
                List<Object> after = null;
                while (candidates.size() < EXTRA_CANDIDATES_LIMIT) {
                    List<List<Object>> keys = targetRows.keysAfter(t.def(), t.keyColumns(), after, 1_000);
                    for (List<Object> k : keys) {
                        RowKey rk = RowKey.of(k, kc);
                        if (!t.keys().contains(rk)) {
                            candidates.put(rk, k);
                        }
                    }
                    if (keys.size() < 1_000) {
                        break;
                    }
                    after = keys.get(keys.size() - 1);
                }
                if (candidates.isEmpty()) {
                    continue;
                }
                SourceTableRun owner = tables.get(t.sources().iterator().next());
                log.accept(e.getKey() + ": " + candidates.size() + " rows no production row translated to; confirming");
                if (!awaitNow()) {
                    candidates.forEach((rk, k) -> owner.tally.unsettledExtra(new Finding(null, e.getKey(), rk.named(t.keyColumns()),
                            "possibly extra: the applier did not catch up in time to confirm it")));
                    continue;
                }
                for (String s : t.sources()) {
                    explain(tables.get(s), e.getKey(), candidates);
                }
                if (candidates.isEmpty()) {
                    continue;
                }
                if (!awaitNow()) {
                    candidates.forEach((rk, k) -> owner.tally.unsettledExtra(new Finding(null, e.getKey(), rk.named(t.keyColumns()),
                            "possibly extra: the applier did not catch up in time to confirm it")));
                    continue;
                }
                for (RowKey rk : targetRows.byKeys(t.def(), t.keyColumns(), new ArrayList<>(candidates.values())).keySet()) {
                    owner.tally.extra(new Finding(null, e.getKey(), rk.named(t.keyColumns()),
                            "the clone has this row; no production row of " + t.sources() + " translates to it"));
                }
            }
        }

        /** Removes from {@code candidates} the keys of {@code targetTable} that production's rows of {@code r} translate to now. */
        private void explain(SourceTableRun r, String targetTable, Map<RowKey, List<Object>> candidates)
                throws SQLException, InterruptedException {
            ReadOnlyContext ctx = new ReadOnlyContext(translationContext, tgt, targetRows, options.idMapSchema(), options.pipeline());
            SourcePosition pos = new SourcePosition("verify", "", "verify", 0);
            List<Object> after = null;
            int chunk = options.effectiveChunkRows();
            while (!candidates.isEmpty()) {
                List<Object[]> rows = r.source.after(after, chunk);
                for (Object[] row : rows) {
                    try {
                        ctx.beginRow();
                        for (TargetOp op : r.translator.translate(new RowChange(r.source.def(), RowChange.Op.INSERT, null, row, pos, 0), ctx)) {
                            if (!(op instanceof TargetOp.Delete) && op.table().qualifiedName().equals(targetTable)) {
                                TableDef def = targetRows.def(op.table().schema(), op.table().table());
                                candidates.remove(RowKey.of(op.keyValues(), TargetRows.columns(def, op.table().key())));
                            }
                        }
                    } catch (RuntimeException notTranslatable) {
                        // not applied yet, or failing: reported by the comparison of that key, explains nothing here
                    }
                }
                if (rows.size() < chunk) {
                    return;
                }
                after = r.source.keyOf(rows.get(rows.size() - 1));
            }
        }

        private boolean awaitNow() throws SQLException, InterruptedException {
            return awaitApplied(GtidPosition.current(source));
        }

        /**
         * Waits for the applier to pass {@code position}. Once it has failed to within the timeout (the daemon is
         * stopped, or stuck), later waits are short until it moves again: a run with many differing keys would
         * otherwise wait the full timeout for each batch.
         */
        private boolean awaitApplied(String position) throws InterruptedException {
            Duration wait = applierStalled && options.recheckTimeout().compareTo(STALLED_WAIT) > 0 ? STALLED_WAIT : options.recheckTimeout();
            boolean applied = progress.awaitApplied(GtidPosition.parse(position), wait);
            applierStalled = !applied;
            return applied;
        }

        /** Items for these keys: production's row now, or none. */
        List<Item> byKeys(SourceTableRun r, List<List<Object>> keys) throws SQLException, InterruptedException {
            Map<RowKey, List<Object>> wanted = new LinkedHashMap<>();
            for (List<Object> k : keys) {
                if (k.size() != r.source.def().primaryKey().size()) {
                    throw new IllegalArgumentException("key " + k + " of " + r.name + " has " + k.size() + " values for primary key "
                            + r.source.def().primaryKey());
                }
                wanted.putIfAbsent(r.source.rowKey(k), k);
            }
            Map<RowKey, Object[]> found = new LinkedHashMap<>();
            for (Object[] row : r.source.byKeys(new ArrayList<>(wanted.values()))) {
                found.put(r.source.rowKey(r.source.keyOf(row)), row);
            }
            List<Item> out = new ArrayList<>();
            wanted.forEach((rk, k) -> {
                Object[] row = found.get(rk);
                out.add(new Item(row == null ? k : r.source.keyOf(row), row));
            });
            return out;
        }

        /**
         * Up to {@code n} distinct random rows: every row when the table has no more than {@code n}; else a random
         * point between the first key column's MIN and MAX and the next row at or after it (integer keys), or a
         * random offset (other keys).
         */
        List<Item> sample(SourceTableRun r, int n) throws SQLException, InterruptedException {
            SourceRows s = r.source;
            Map<RowKey, Item> picked = new LinkedHashMap<>();
            if (s.estimatedRows() <= 2L * n && s.count() <= n) {
                List<Object> after = null;
                while (true) {
                    List<Object[]> rows = s.after(after, options.effectiveChunkRows());
                    rows.forEach(row -> picked.put(s.rowKey(s.keyOf(row)), new Item(s.keyOf(row), row)));
                    if (rows.size() < options.effectiveChunkRows()) {
                        return new ArrayList<>(picked.values());
                    }
                    after = s.keyOf(rows.get(rows.size() - 1));
                }
            }
            Column first = s.keyColumns().get(0);
            if (first.type().isInteger()) {
                Object[] range = s.firstKeyRange();
                if (range[0] == null) {
                    return List.of();
                }
                BigInteger min = new BigInteger(range[0].toString());
                BigInteger span = new BigInteger(range[1].toString()).subtract(min).add(BigInteger.ONE);
                for (int attempt = 0; attempt < 3 * n && picked.size() < n; attempt++) {
                    BigInteger v = min.add(new BigInteger(span.bitLength() + 8, random).mod(span));
                    Object[] row = s.firstAtOrAfter(v.bitLength() < 64 ? (Object) v.longValue() : v);
                    if (row != null) {
                        picked.putIfAbsent(s.rowKey(s.keyOf(row)), new Item(s.keyOf(row), row));
                    }
                }
            } else {
                long count = s.count();
                for (int attempt = 0; attempt < 3 * n && picked.size() < n && count > 0; attempt++) {
                    Object[] row = s.atOffset((long) (random.nextDouble() * count));
                    if (row != null) {
                        picked.putIfAbsent(s.rowKey(s.keyOf(row)), new Item(s.keyOf(row), row));
                    }
                }
            }
            return new ArrayList<>(picked.values());
        }

        private void logProgress(SourceTableRun r, boolean done) {
            long now = System.nanoTime();
            if (done || now - lastProgress >= PROGRESS_EVERY_NANOS) {
                lastProgress = now;
                TableTally t = r.tally;
                log.accept(String.format("%s: %s%,d rows compared, %,d chunks (%,d differed), %,d differences, %,d production rows read in %.0f s",
                        r.name, done ? "done, " : "", t.rowsCompared, t.chunks, t.chunksDiffering, t.differences(),
                        limiter.rows(), (now - startNanos) / 1e9));
            }
        }

        VerificationReport report() {
            List<VerificationReport.TableReport> out = new ArrayList<>();
            tables.values().forEach(t -> out.add(t.tally.report()));
            return new VerificationReport(mode.name(), started.toString(), (System.nanoTime() - startNanos) / 1e9,
                    limiter.rowsPerSecond(), limiter.rows(), out);
        }

        @Override
        public void close() throws SQLException {
            try {
                src.close();
            } finally {
                tgt.close();
            }
        }
    }

    private static Connection connect(Endpoint e, String what, Duration timeout) throws SQLException {
        Connection c;
        try {
            c = DriverManager.getConnection(e.jdbcUrl(""), e.user(), e.password());
        } catch (SQLException ex) {
            throw new SQLException("cannot connect to " + what + " " + e + ": " + ex.getMessage(), ex.getSQLState(), ex.getErrorCode(), ex);
        }
        SourceRows.utcSession(c);
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION TRANSACTION READ ONLY"); // the verifier never writes, whatever a translator tries
            // a table locked on either side fails the verification with an error naming it, instead of hanging it
            long seconds = Math.max(1, timeout.toSeconds());
            st.execute("SET SESSION lock_wait_timeout = " + seconds + ", innodb_lock_wait_timeout = " + seconds
                    + ", max_statement_time = " + seconds);
        }
        return c;
    }
}
