package io.paraverse.daemon.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.paraverse.clone.CloneEndpoint;
import io.paraverse.clone.CloneResult;
import io.paraverse.clone.SnapshotClone;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.WorkDirs;
import io.paraverse.daemon.verify.TableComparison;
import io.paraverse.daemon.workload.SysbenchWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Initial copy of one data set, measured in the same run for: {@code mariadb-dump --single-transaction | mariadb}
 * (the method of {@code shared/baselines/03a_dump_load.sh}) and Paraverse's {@link SnapshotClone}. The source holds
 * sysbench's tables; the two targets are fresh servers with the same settings; each copy is checked equal to the
 * source (row count and {@code CHECKSUM TABLE ... EXTENDED} per table).
 */
@Command(name = "clone", mixinStandardHelpOptions = true,
        description = "Initial copy of the same data: Paraverse snapshot clone vs mariadb-dump | mariadb.")
public final class CloneBench implements Callable<Integer> {

    /** The readers/writers this bench (and the measurements in docs/BENCHMARKS.md) use unless told otherwise. */
    static final int DEFAULT_READERS = 2;
    static final int DEFAULT_WRITERS = 4;

    @Option(names = "--rows", defaultValue = "250000", description = "rows per table (default ${DEFAULT-VALUE})")
    int rows;
    @Option(names = "--tables", defaultValue = "4", description = "tables sbtest1..N (default ${DEFAULT-VALUE})")
    int tables;
    @Option(names = "--readers", defaultValue = "" + DEFAULT_READERS,
            description = "Paraverse source readers sharing one snapshot (default ${DEFAULT-VALUE})")
    int readers;
    @Option(names = "--writers", defaultValue = "" + DEFAULT_WRITERS,
            description = "Paraverse target writer connections (default ${DEFAULT-VALUE})")
    int writers;
    @Option(names = "--chunk-rows", defaultValue = "5000", description = "Paraverse rows per keyset chunk (default ${DEFAULT-VALUE})")
    int chunkRows;
    @Option(names = "--repeat", defaultValue = "1",
            description = "copies per method, each into fresh targets, alternating which goes first; the best time of each"
                    + " is reported (default ${DEFAULT-VALUE})")
    int repeat;
    @Option(names = "--paraverse-first", description = "measure Paraverse before the dump in the first attempt (default: dump first)")
    boolean paraverseFirst;
    @Option(names = "--json", description = "print the figures as one JSON object on stdout (progress goes to stderr)")
    boolean json;

    private static final String SCHEMA = "sbtest";

    @Override
    public Integer call() throws Exception {
        Map<String, Object> figures = measure(System.err);
        PrintStream out = json ? System.err : System.out;
        printTable(out, figures);
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(figures));
        }
        return Boolean.TRUE.equals(figures.get("equal")) ? 0 : 1;
    }

    /** Runs the whole bench; progress goes to {@code progress}. Returns the figures (also what --json prints). */
    Map<String, Object> measure(PrintStream progress) throws Exception {
        if (rows < 1 || tables < 1 || readers < 1 || writers < 1 || chunkRows < 1 || repeat < 1) {
            throw new IllegalArgumentException("--rows, --tables, --readers, --writers, --chunk-rows and --repeat must be at least 1");
        }
        Path work = WorkDirs.createRemovedOnExit("paraverse-bench-clone-");
        SysbenchWorkload sysbench = new SysbenchWorkload(SCHEMA, tables, rows);
        Map<String, Object> figures = new LinkedHashMap<>();
        try {
            progress.println("starting the source ...");
            try (MariaDbServer source = MariaDbServer.start(serverOptions(MariaDbOptions.source("clone-source"), work))) {
                long total = load(source, sysbench, progress);
                long[] size = dataSize(source);
                double dataMb = size[0] / 1048576.0;
                progress.printf("source: %,d rows, DATA_LENGTH %.1f MB (+ INDEX_LENGTH %.1f MB)%n", total, dataMb, size[1] / 1048576.0);
                quiesce(source, progress);
                figures.put("rows", total);
                figures.put("tables", tables);
                figures.put("rows_per_table", rows);
                figures.put("data_mb", round1(dataMb));
                figures.put("data_mb_basis", "source information_schema.TABLES.DATA_LENGTH (clustered index), MB = 2^20 bytes");
                figures.put("index_mb", round1(size[1] / 1048576.0));
                figures.put("readers", readers);
                figures.put("writers", writers);
                figures.put("chunk_rows", chunkRows);
                figures.put("repeat", repeat);
                figures.put("innodb_flush_log_at_trx_commit", 1);

                List<Map<String, Object>> attempts = new ArrayList<>();
                double dumpSecs = Double.MAX_VALUE;
                double paraverseSecs = Double.MAX_VALUE;
                Object dumpCpu = null;
                Object paraverseCpu = null;
                boolean allEqual = true;
                for (int attempt = 1; attempt <= repeat; attempt++) {
                    // alternate which copy goes first, so neither always meets the same machine state
                    boolean paraverseFirstNow = paraverseFirst ^ (attempt % 2 == 0);
                    progress.printf("attempt %d of %d: starting two fresh targets (same settings) ...%n", attempt, repeat);
                    List<MariaDbServer> targets = MariaDbServer.startAll(
                            serverOptions(MariaDbOptions.target("clone-dump-" + attempt), work),
                            serverOptions(MariaDbOptions.target("clone-paraverse-" + attempt), work));
                    Map<String, Object> a = new LinkedHashMap<>();
                    try (MariaDbServer dumpTarget = targets.get(0); MariaDbServer paraverseTarget = targets.get(1)) {
                        for (String method : paraverseFirstNow ? List.of("paraverse", "dump") : List.of("dump", "paraverse")) {
                            if (method.equals("dump")) {
                                progress.println("mariadb-dump --single-transaction | mariadb: copying ...");
                                Cpu cpu = Cpu.start(source, dumpTarget);
                                double secs = dumpLoad(source, dumpTarget, work);
                                Map<String, Object> used = cpu.stop("mariadb-dump + mariadb clients");
                                progress.printf("mariadb-dump | mariadb: %.2f s; verifying ...%n", secs);
                                boolean eq = equal(source, dumpTarget, sysbench, progress);
                                allEqual &= eq;
                                dumpTarget.close(); // its background flushing must not slow the other copy
                                a.put("dump_load_seconds", round2(secs));
                                a.put("dump_load_equal", eq);
                                if (secs < dumpSecs) {
                                    dumpSecs = secs;
                                    dumpCpu = used;
                                }
                            } else {
                                progress.printf("paraverse snapshot clone (%d readers, %d writers, %,d-row chunks): copying ...%n",
                                        readers, writers, chunkRows);
                                Cpu cpu = Cpu.start(source, paraverseTarget);
                                double secs = paraverse(source, paraverseTarget, total, progress);
                                Map<String, Object> used = cpu.stop("paraverse JVM");
                                progress.printf("paraverse: %.2f s; verifying ...%n", secs);
                                boolean eq = equal(source, paraverseTarget, sysbench, progress);
                                allEqual &= eq;
                                paraverseTarget.close();
                                a.put("paraverse_seconds", round2(secs));
                                a.put("paraverse_equal", eq);
                                if (secs < paraverseSecs) {
                                    paraverseSecs = secs;
                                    paraverseCpu = used;
                                }
                            }
                        }
                    }
                    a.put("first", paraverseFirstNow ? "paraverse" : "dump");
                    a.put("ratio", round2((Double) a.get("dump_load_seconds") / (Double) a.get("paraverse_seconds")));
                    attempts.add(a);
                }
                // with --repeat > 1: the best time of each method (the least disturbed by other load on the machine)
                figures.put("dump_load_seconds", round2(dumpSecs));
                figures.put("dump_load_rows_per_s", Math.round(total / dumpSecs));
                figures.put("dump_load_mb_per_s", round1(dataMb / dumpSecs));
                figures.put("dump_load_cpu_seconds", dumpCpu);
                figures.put("paraverse_seconds", round2(paraverseSecs));
                figures.put("paraverse_rows_per_s", Math.round(total / paraverseSecs));
                figures.put("paraverse_mb_per_s", round1(dataMb / paraverseSecs));
                figures.put("paraverse_cpu_seconds", paraverseCpu);
                figures.put("ratio", round2(dumpSecs / paraverseSecs));
                figures.put("dump_load_equal", attempts.stream().allMatch(x -> Boolean.TRUE.equals(x.get("dump_load_equal"))));
                figures.put("paraverse_equal", attempts.stream().allMatch(x -> Boolean.TRUE.equals(x.get("paraverse_equal"))));
                figures.put("equal", allEqual);
                figures.put("attempts", attempts);
            }
            return figures;
        } finally {
            WorkDirs.delete(work);
        }
    }

    /** Same settings for the source and both targets: durable defaults, 1G buffer pool (the data set fits). */
    private static MariaDbOptions serverOptions(MariaDbOptions o, Path work) {
        return o.baseDir(work).option("innodb-buffer-pool-size", "1G").option("innodb-log-file-size", "512M")
                .option("innodb-flush-log-at-trx-commit", "1");
    }

    // ---- loading the source ---------------------------------------------------------------------------------------

    /** Creates sysbench's tables and fills them with multi-row INSERTs, one table per connection (2 at a time). */
    private long load(MariaDbServer source, SysbenchWorkload sysbench, PrintStream progress) throws Exception {
        try (Connection c = source.connect(""); Statement st = c.createStatement()) {
            for (String d : sysbench.ddl()) {
                st.execute(d);
            }
        }
        long total = (long) rows * tables;
        progress.printf("loading %d tables x %,d rows on the source ...%n", tables, rows);
        AtomicLong loaded = new AtomicLong();
        AtomicReference<Throwable> error = new AtomicReference<>();
        java.util.concurrent.ConcurrentLinkedQueue<String> todo = new java.util.concurrent.ConcurrentLinkedQueue<>(sysbench.tableNames());
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < Math.min(2, tables); i++) {
            Thread t = new Thread(() -> {
                try (Connection c = source.connect("")) {
                    String table;
                    while (error.get() == null && (table = todo.poll()) != null) {
                        fill(c, table, loaded);
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            }, "bench-load-" + i);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            while (t.isAlive()) {
                t.join(5_000);
                if (t.isAlive()) {
                    long n = loaded.get();
                    progress.printf("  loaded %,d of %,d rows (%.0f%%, %,.0f rows/s)%n", n, total, 100.0 * n / total,
                            n / ((System.nanoTime() - t0) / 1e9));
                }
            }
        }
        if (error.get() != null) {
            throw new IllegalStateException("loading the source failed: " + error.get().getMessage(), error.get());
        }
        progress.printf("  loaded %,d rows in %.1f s%n", loaded.get(), (System.nanoTime() - t0) / 1e9);
        try (Connection c = source.connect(""); Statement st = c.createStatement()) {
            for (String t : sysbench.tableNames()) {
                st.execute("ANALYZE TABLE " + SCHEMA + "." + t); // fresh statistics: DATA_LENGTH and row estimates
            }
        }
        return loaded.get();
    }

    /** Rows like sysbench's prepare: id 1..N, k random in [1, N], c and pad groups of random digits. */
    private void fill(Connection c, String table, AtomicLong loaded) throws SQLException {
        c.setAutoCommit(false);
        int perStatement = 1000;
        int perCommit = 20_000;
        StringBuilder sql = new StringBuilder(perStatement * 200);
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        try (Statement st = c.createStatement()) {
            for (int start = 1; start <= rows; start += perStatement) {
                int end = Math.min(rows, start + perStatement - 1);
                sql.setLength(0);
                sql.append("INSERT INTO ").append(SCHEMA).append('.').append(table).append(" (id,k,c,pad) VALUES ");
                for (int id = start; id <= end; id++) {
                    sql.append(id > start ? ",(" : "(").append(id).append(',').append(1 + rnd.nextInt(rows)).append(",'");
                    digitGroups(sql, 10, rnd);
                    sql.append("','");
                    digitGroups(sql, 5, rnd);
                    sql.append("')");
                }
                st.execute(sql.toString());
                loaded.addAndGet(end - start + 1);
                if (end % perCommit == 0 || end == rows) {
                    c.commit();
                }
            }
        }
        c.setAutoCommit(true);
    }

    private static void digitGroups(StringBuilder sb, int groups, ThreadLocalRandom rnd) {
        for (int g = 0; g < groups; g++) {
            if (g > 0) {
                sb.append('-');
            }
            for (int i = 0; i < 11; i++) {
                sb.append((char) ('0' + rnd.nextInt(10)));
            }
        }
    }

    /** {DATA_LENGTH, INDEX_LENGTH} of the benchmark schema on the source. */
    private static long[] dataSize(MariaDbServer source) throws SQLException {
        try (Connection c = source.connect(""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(SUM(DATA_LENGTH),0), COALESCE(SUM(INDEX_LENGTH),0)"
                     + " FROM information_schema.TABLES WHERE TABLE_SCHEMA='" + SCHEMA + "'")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /**
     * Lets the source flush the load's dirty pages before anything is timed, so neither copy pays for the load's
     * background writes.
     */
    private static void quiesce(MariaDbServer source, PrintStream progress) throws Exception {
        try (Connection c = source.connect(""); Statement st = c.createStatement()) {
            String before;
            try (ResultSet rs = st.executeQuery("SELECT @@innodb_max_dirty_pages_pct")) {
                rs.next();
                before = rs.getString(1);
            }
            st.execute("SET GLOBAL innodb_max_dirty_pages_pct=0");
            // until (nearly) clean, or no progress for 3 s (the page cleaner may leave a few pages), at most 60 s
            long deadline = System.currentTimeMillis() + 60_000;
            long dirty = dirtyPages(st);
            long best = dirty;
            long bestAt = System.currentTimeMillis();
            while (dirty > 100 && System.currentTimeMillis() < deadline && System.currentTimeMillis() - bestAt < 3_000) {
                Thread.sleep(250);
                dirty = dirtyPages(st);
                if (dirty < best) {
                    best = dirty;
                    bestAt = System.currentTimeMillis();
                }
            }
            st.execute("SET GLOBAL innodb_max_dirty_pages_pct=" + before);
            progress.printf("source quiesced (%,d dirty pages left)%n", dirty);
        }
    }

    private static long dirtyPages(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'")) {
            return rs.next() ? rs.getLong(2) : 0;
        }
    }

    // ---- the two copies -------------------------------------------------------------------------------------------

    /**
     * {@code mariadb-dump --single-transaction --master-data=2 --gtid --databases sbtest | mariadb} over the servers'
     * Unix sockets, as {@code shared/baselines/03a_dump_load.sh} runs it; a real OS pipe between the two programs.
     * Credentials go in an option file readable by this user only, never on a command line. Returns seconds from
     * start until the loading client has exited.
     */
    private static double dumpLoad(MariaDbServer source, MariaDbServer target, Path work) throws Exception {
        Path srcCnf = optionFile(work.resolve("dump-source.cnf"), source);
        Path tgtCnf = optionFile(work.resolve("dump-target.cnf"), target);
        Path errDump = work.resolve("mariadb-dump.err");
        Path errLoad = work.resolve("mariadb-load.err");
        ProcessBuilder dump = new ProcessBuilder(clientProgram("mariadb-dump", "mysqldump"), "--defaults-file=" + srcCnf,
                "--single-transaction", "--master-data=2", "--gtid", "--databases", SCHEMA)
                .redirectError(errDump.toFile());
        ProcessBuilder load = new ProcessBuilder(clientProgram("mariadb", "mysql"), "--defaults-file=" + tgtCnf)
                .redirectError(errLoad.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        long t0 = System.nanoTime();
        List<Process> pipe = ProcessBuilder.startPipeline(List.of(dump, load));
        for (Process p : pipe) {
            if (!p.waitFor(2, TimeUnit.HOURS)) {
                pipe.forEach(Process::destroyForcibly);
                throw new IllegalStateException("mariadb-dump | mariadb did not finish within 2 hours");
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (pipe.get(0).exitValue() != 0 || pipe.get(1).exitValue() != 0) {
            throw new IllegalStateException("mariadb-dump exited " + pipe.get(0).exitValue() + " (" + Files.readString(errDump).trim()
                    + "), mariadb exited " + pipe.get(1).exitValue() + " (" + Files.readString(errLoad).trim() + ")");
        }
        return secs;
    }

    /** A [client] option file, mode 0600, with the server's socket and root's password. */
    private static Path optionFile(Path file, MariaDbServer server) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "[client]\nuser=root\npassword=\"" + server.password().replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"\nsocket=" + server.socket() + "\n");
        return file;
    }

    /** The client program from the directory the server programs are found in (as MariaDbBinaries looks), else PATH. */
    private static String clientProgram(String... names) {
        List<Path> dirs = new ArrayList<>();
        String env = System.getenv(io.paraverse.cloud.local.MariaDbBinaries.ENV_BIN_DIR);
        if (env != null && !env.isBlank()) {
            dirs.add(Path.of(env));
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String p : path.split(java.io.File.pathSeparator)) {
                if (!p.isBlank()) {
                    dirs.add(Path.of(p));
                }
            }
        }
        dirs.addAll(List.of(Path.of("/usr/bin"), Path.of("/usr/local/mysql/bin")));
        for (String n : names) {
            for (Path d : dirs) {
                Path p = d.resolve(n);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        throw new IllegalStateException("MariaDB client program " + names[0] + " not found in PATH: install it with"
                + " apt-get install -y mariadb-client");
    }

    /** Paraverse's snapshot clone of the benchmark schema; seconds including the schema copy. */
    private double paraverse(MariaDbServer source, MariaDbServer target, long total, PrintStream progress) {
        AtomicLong copied = new AtomicLong();
        Map<String, Long> perTable = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicLong lastPrint = new AtomicLong(System.nanoTime());
        long t0 = System.nanoTime();
        SnapshotClone.Options options = SnapshotClone.Options.of(SCHEMA + ".*").withReaders(readers).withWriters(writers)
                .withChunkRows(chunkRows).withProgressInterval(Duration.ofHours(1))
                .withProgress((table, n, estimate) -> {
                    Long before = perTable.put(table.toString(), n);
                    long sum = copied.addAndGet(n - (before == null ? 0 : before));
                    long now = System.nanoTime();
                    long last = lastPrint.get();
                    if (now - last > 5_000_000_000L && lastPrint.compareAndSet(last, now)) {
                        progress.printf("  copied %,d of %,d rows (%.0f%%, %,.0f rows/s)%n", sum, total, 100.0 * sum / total,
                                sum / ((now - t0) / 1e9));
                    }
                });
        CloneResult result = SnapshotClone.run(endpoint(source), endpoint(target), options);
        double secs = (System.nanoTime() - t0) / 1e9;
        if (result.totalRows() != total) {
            progress.printf("paraverse copied %,d rows, expected %,d%n", result.totalRows(), total);
        }
        return secs;
    }

    private static CloneEndpoint endpoint(MariaDbServer s) {
        return new CloneEndpoint(s.host(), s.port(), s.user(), s.password());
    }

    private static boolean equal(MariaDbServer source, MariaDbServer target, SysbenchWorkload sysbench, PrintStream progress)
            throws Exception {
        try (Connection s = source.connect(""); Connection t = target.connect("")) {
            List<TableComparison.TableResult> results = TableComparison.compare(s, t, sysbench.schema(), sysbench.tableNames());
            boolean eq = TableComparison.allEqual(results);
            if (!eq) {
                results.forEach(r -> progress.println("  " + r));
            }
            return eq;
        }
    }

    /**
     * CPU seconds used during one copy by the source server, the target server and the copying client (the JVM
     * itself for Paraverse; the finished, waited-for child programs for the dump pipe), from /proc (Linux; empty
     * elsewhere). With wall time x cores it shows whether a copy is CPU-bound and where the CPU goes.
     */
    private record Cpu(long sourcePid, long targetPid, long[] source, long[] target, long[] self) {
        private static final double TICK = 100.0; // USER_HZ on Linux

        static Cpu start(MariaDbServer source, MariaDbServer target) {
            long self = ProcessHandle.current().pid();
            return new Cpu(source.pid(), target.pid(), ticks(source.pid()), ticks(target.pid()), ticks(self));
        }

        Map<String, Object> stop(String clientName) {
            long[] s = ticks(sourcePid);
            long[] t = ticks(targetPid);
            long[] me = ticks(ProcessHandle.current().pid());
            Map<String, Object> m = new LinkedHashMap<>();
            if (s == null || t == null || me == null || source == null || target == null || self == null) {
                return m;
            }
            m.put("source_server", round2((s[0] - source[0]) / TICK));
            m.put("target_server", round2((t[0] - target[0]) / TICK));
            m.put("paraverse_jvm", round2((me[0] - self[0]) / TICK));
            m.put("child_programs", round2((me[1] - self[1]) / TICK));
            m.put("client", clientName);
            return m;
        }

        /** {utime+stime, cutime+cstime} of a process, or null. */
        static long[] ticks(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // after the command: state(3) ppid ... utime(14) stime(15) cutime(16) cstime(17), here 0-based from 3
                return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])};
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    // ---- output ---------------------------------------------------------------------------------------------------

    static void printTable(PrintStream out, Map<String, Object> f) {
        out.println();
        out.printf("initial copy of %,d rows (%s tables x %,d), %.1f MB = source DATA_LENGTH; targets durable"
                        + " (innodb_flush_log_at_trx_commit=1), paraverse %s readers / %s writers%n",
                (Long) f.get("rows"), f.get("tables"), (Integer) f.get("rows_per_table"), (Double) f.get("data_mb"),
                f.get("readers"), f.get("writers"));
        out.printf("%-42s %9s %12s %8s %8s%n", "method", "seconds", "rows/s", "MB/s", "equal");
        out.printf("%-42s %9.2f %,12d %8.1f %8s%n", "mariadb-dump --single-transaction | mariadb", (Double) f.get("dump_load_seconds"),
                (Long) f.get("dump_load_rows_per_s"), (Double) f.get("dump_load_mb_per_s"), yes(f.get("dump_load_equal")));
        out.printf("%-42s %9.2f %,12d %8.1f %8s%n", "paraverse snapshot clone", (Double) f.get("paraverse_seconds"),
                (Long) f.get("paraverse_rows_per_s"), (Double) f.get("paraverse_mb_per_s"), yes(f.get("paraverse_equal")));
        if ((Integer) f.get("repeat") > 1) {
            out.printf("best of %d attempts each; per attempt (dump s / paraverse s = ratio):", (Integer) f.get("repeat"));
            for (Object o : (List<?>) f.get("attempts")) {
                Map<?, ?> a = (Map<?, ?>) o;
                out.printf("  %.2f / %.2f = %.2fx", (Double) a.get("dump_load_seconds"), (Double) a.get("paraverse_seconds"),
                        (Double) a.get("ratio"));
            }
            out.println();
        }
        out.printf("ratio paraverse / dump|load: %.2fx (target of issue #3: >= 2x)%n", (Double) f.get("ratio"));
        printCpu(out, "mariadb-dump | mariadb", f.get("dump_load_cpu_seconds"), f.get("dump_load_seconds"), "child_programs");
        printCpu(out, "paraverse snapshot clone", f.get("paraverse_cpu_seconds"), f.get("paraverse_seconds"), "paraverse_jvm");
    }

    private static void printCpu(PrintStream out, String what, Object cpu, Object secs, String clientKey) {
        if (cpu instanceof Map<?, ?> m && !m.isEmpty()) {
            double src = (Double) m.get("source_server");
            double tgt = (Double) m.get("target_server");
            double client = (Double) m.get(clientKey);
            double wall = (Double) secs;
            out.printf("CPU s during %-25s source %.1f, target %.1f, %s %.1f: %.1f of %.1f available (%d cores)%n", what + ":",
                    src, tgt, m.get("client"), client, src + tgt + client, wall * Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().availableProcessors());
        }
    }

    private static String yes(Object b) {
        return Boolean.TRUE.equals(b) ? "yes" : "NO";
    }

    private static double round1(double v) { return Math.round(v * 10) / 10.0; }
    private static double round2(double v) { return Math.round(v * 100) / 100.0; }
}
