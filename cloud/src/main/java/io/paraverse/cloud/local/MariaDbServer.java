package io.paraverse.cloud.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A MariaDB server running as a child process with its own datadir, free TCP port on 127.0.0.1, socket and server
 * id. Stopped on {@link #close()} and on JVM exit; a small watchdog process kills it within about a second if
 * this JVM dies without running its shutdown hooks (kill -9), so no orphan mariadbd outlives its owner.
 * Root gets a random password ({@link #password()}), for both localhost and 127.0.0.1.
 */
public final class MariaDbServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MariaDbServer.class);
    private static final Set<MariaDbServer> RUNNING = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger NEXT_SERVER_ID = new AtomicInteger(100 + (int) (ProcessHandle.current().pid() % 1000) * 10);
    private static final long START_TIMEOUT_MS = 60_000;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (MariaDbServer s : List.copyOf(RUNNING)) {
                s.stopQuietly();
            }
        }, "mariadb-server-reaper"));
    }

    private final MariaDbOptions options;
    private final MariaDbBinaries binaries;
    private final Path dir;
    private final Path datadir;
    private final int serverId;
    private final String password;
    private volatile int port;
    private volatile Process process;
    private volatile Process watchdog;

    private MariaDbServer(MariaDbOptions options, MariaDbBinaries binaries) throws IOException {
        this.options = options;
        this.binaries = binaries;
        if (options.directory() != null) {
            this.dir = options.directory();
            prepareGivenDirectory();
        } else {
            Path base = options.baseDir() != null ? options.baseDir() : Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(base);
            this.dir = Files.createTempDirectory(base, "paraverse-" + options.name() + "-");
        }
        this.datadir = dir.resolve("data");
        this.serverId = options.serverId() > 0 ? options.serverId() : NEXT_SERVER_ID.getAndIncrement();
        this.password = options.rootPassword() != null ? options.rootPassword() : randomPassword();
    }

    /** Starts one server and waits until it accepts connections. */
    public static MariaDbServer start(MariaDbOptions options) {
        MariaDbServer s;
        try {
            s = new MariaDbServer(options, MariaDbBinaries.locate(options.binDir()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for MariaDB server " + options.name(), e);
        }
        boolean existing = options.existingDirectory();
        try {
            if (!existing) {
                s.initialize();
            }
            s.launch();
            if (!existing) {
                s.resetBinlog();
            }
            return s;
        } catch (RuntimeException | Error e) {
            if (existing) {
                s.shutdown(); // an earlier server's data: never delete it
                RUNNING.remove(s);
            } else {
                s.stopQuietly();
            }
            throw e;
        }
    }

    private void prepareGivenDirectory() throws IOException {
        Path data = dir.resolve("data");
        if (options.existingDirectory()) {
            if (!Files.isDirectory(data)) {
                throw new IllegalArgumentException("no datadir to restart in " + dir + " (expected " + data + ")");
            }
            long pid = runningServerPid(dir);
            if (pid > 0) {
                throw new IllegalStateException("a mariadbd (pid " + pid + ") is still running on " + data);
            }
            return;
        }
        if (Files.exists(data)) {
            throw new IllegalArgumentException(dir + " already holds a datadir; restart on it instead of creating one");
        }
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    /**
     * The pid of a live mariadbd recorded in a server directory's pid file, or -1. Starting a second one on the same
     * datadir would wait on InnoDB's file lock instead of failing.
     */
    public static long runningServerPid(Path serverDir) {
        Path pidFile = serverDir.resolve("mysqld.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return -1;
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            boolean server = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .flatMap(h -> h.info().command())
                    .map(c -> c.endsWith("mariadbd") || c.endsWith("mysqld"))
                    .orElse(false);
            return server ? pid : -1;
        } catch (IOException | NumberFormatException e) {
            return -1; // a stale or torn pid file of a killed server
        }
    }

    /** Starts several servers in parallel; if one fails, the others are stopped and the failure is thrown. */
    public static List<MariaDbServer> startAll(List<MariaDbOptions> all) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, all.size()));
        try {
            List<Future<MariaDbServer>> futures = new ArrayList<>();
            for (MariaDbOptions o : all) {
                futures.add(pool.submit(() -> start(o)));
            }
            List<MariaDbServer> started = new ArrayList<>();
            RuntimeException failure = null;
            for (Future<MariaDbServer> f : futures) {
                try {
                    started.add(f.get());
                } catch (Exception e) {
                    Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
                    if (failure == null) {
                        failure = cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
                    }
                }
            }
            if (failure != null) {
                started.forEach(MariaDbServer::stopQuietly);
                throw failure;
            }
            return started;
        } finally {
            pool.shutdownNow();
        }
    }

    public static List<MariaDbServer> startAll(MariaDbOptions... all) {
        return startAll(List.of(all));
    }

    public String name() { return options.name(); }
    public String host() { return "127.0.0.1"; }
    public int port() { return port; }
    public String user() { return "root"; }
    public String password() { return password; }
    public int serverId() { return serverId; }
    public Path datadir() { return datadir; }
    /** The server's own directory: datadir, binlog, socket, logs. */
    public Path directory() { return dir; }
    public Path socket() {
        Path inDir = dir.resolve("mysqld.sock");
        // a Unix socket path is limited to 107 bytes; deep directories get a short, stable path in /tmp instead
        if (inDir.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 100) {
            return inDir;
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "pv-" + Integer.toHexString(dir.toAbsolutePath().toString().hashCode()) + ".sock");
    }
    public Path errorLog() { return dir.resolve("error.log"); }
    public boolean binlogEnabled() { return options.binlog(); }
    public long pid() { return process == null ? -1 : process.pid(); }
    public boolean isRunning() { return process != null && process.isAlive(); }

    /** JDBC URL for a database ("" for none) over TCP. */
    public String jdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + (database == null ? "" : database);
    }

    /** A new connection as root. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "root", password);
    }

    /** Runs statements as root, failing on the first error. */
    public void execute(String... sql) {
        try (Connection c = connect(""); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("on MariaDB server " + name() + ": " + e.getMessage(), e);
        }
    }

    /** The server's current GTID position ({@code @@gtid_binlog_pos}): what a replica must reach to be caught up. */
    public String gtidBinlogPos() {
        try (Connection c = connect(""); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT @@gtid_binlog_pos")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("on MariaDB server " + name() + ": " + e.getMessage(), e);
        }
    }

    /** Kills the server process with SIGKILL (crash tests); the datadir stays until {@link #close()}. */
    public void kill() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            waitFor(p, 30_000);
        }
        stopWatchdog();
    }

    /** Clean shutdown and start again on the same port and datadir (binlog and data kept). */
    public void restart() {
        shutdown();
        launch();
    }

    /** Clean shutdown without deleting the datadir. */
    public void shutdown() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy(); // SIGTERM: mariadbd shuts down cleanly
            if (!waitFor(p, 60_000)) {
                log.warn("MariaDB server {} did not stop within 60 s; killing it", name());
                p.destroyForcibly();
                waitFor(p, 30_000);
            }
        }
        stopWatchdog();
    }

    @Override
    public void close() {
        shutdown();
        RUNNING.remove(this);
        if (!options.keepData()) {
            deleteTree(dir);
        }
    }

    private void stopQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            log.warn("stopping MariaDB server {}: {}", name(), e.toString());
        }
    }

    private void initialize() {
        if (options.copyDatadirFrom() != null) {
            MariaDbTemplate.copyDatadir(options.copyDatadirFrom(), datadir);
            return;
        }
        MariaDbTemplate.copyInto(binaries, datadir);
    }

    private void launch() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int p = port > 0 ? port : freePort();
            try {
                launchOn(p);
                return;
            } catch (PortInUseException e) {
                last = e;
                if (port > 0) {
                    break; // restart on a fixed port: do not move
                }
            }
        }
        throw last;
    }

    private void launchOn(int p) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binaries.mariadbd().toString());
        cmd.add("--no-defaults");
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("--user=root");
        }
        cmd.add("--datadir=" + datadir);
        cmd.add("--port=" + p);
        cmd.add("--bind-address=127.0.0.1");
        cmd.add("--socket=" + socket());
        cmd.add("--pid-file=" + dir.resolve("mysqld.pid"));
        cmd.add("--log-error=" + errorLog());
        cmd.add("--skip-name-resolve");
        cmd.add("--server-id=" + serverId);
        if (options.binlog()) {
            cmd.add("--log-bin=" + dir.resolve("binlog").resolve("mariadb-bin"));
            cmd.add("--binlog-format=ROW");
            cmd.add("--binlog-row-image=FULL");
            cmd.add("--binlog-row-metadata=FULL");
            cmd.add("--log-slave-updates=ON");
        }
        for (Map.Entry<String, String> e : options.orderedOptions().entrySet()) {
            cmd.add("--" + e.getKey() + "=" + e.getValue());
        }
        try {
            Files.createDirectories(dir.resolve("binlog"));
            Files.deleteIfExists(errorLog());
            cmd.add("--init-file=" + writeInitFile());
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("mariadbd.out").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binaries.mariadbd(), e);
        }
        RUNNING.add(this);
        watchdog = MariaDbWatchdog.start(process.pid(), options.keepData() ? null : dir);
        try {
            waitUntilAccepting(p);
        } finally {
            deleteTree(dir.resolve("init.sql"));
        }
        port = p;
        log.info("MariaDB server {} ready on 127.0.0.1:{} (pid {}, datadir {}{})", name(), p, process.pid(), datadir,
                options.binlog() ? ", binlog on" : "");
    }

    private void waitUntilAccepting(int p) {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        String url = "jdbc:mariadb://127.0.0.1:" + p + "/?connectTimeout=2000";
        while (true) {
            if (!process.isAlive()) {
                String tail = errorLogTail(30);
                if (tail.contains("Address already in use") || tail.contains("Do you already have another")) {
                    throw new PortInUseException(p);
                }
                throw new IllegalStateException("MariaDB server " + name() + " exited with code " + process.exitValue()
                        + " during start-up; last lines of " + errorLog() + ":\n" + tail);
            }
            try (Connection c = DriverManager.getConnection(url, "root", password)) {
                return;
            } catch (SQLException e) {
                // not ready yet (or the init file has not run yet)
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("MariaDB server " + name() + " did not accept connections within "
                        + START_TIMEOUT_MS / 1000 + " s; see " + errorLog());
            }
            sleep(50);
        }
    }

    /**
     * SQL the server runs at start-up: root gets this server's random password for localhost and for 127.0.0.1
     * (TCP clients under skip-name-resolve). The file is removed once the server is up.
     */
    private Path writeInitFile() throws IOException {
        String pw = password.replace("'", "''");
        Path f = dir.resolve("init.sql");
        Files.writeString(f, String.join("\n",
                "SET sql_log_bin=0;",
                "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';",
                "ALTER USER 'root'@'localhost' IDENTIFIED BY '" + pw + "';",
                "ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '" + pw + "';",
                "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;", ""));
        try {
            Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory is private to this process anyway
        }
        return f;
    }

    /** A source starts with an empty binlog so positions in tests and demos are small and clean. */
    private void resetBinlog() {
        if (options.binlog()) {
            execute("RESET MASTER");
        }
    }

    public String errorLogTail(int lines) {
        try {
            List<String> all = Files.exists(errorLog()) ? Files.readAllLines(errorLog()) : List.of();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + errorLog() + ": " + e.getMessage() + ")";
        }
    }

    private void stopWatchdog() {
        Process w = watchdog;
        if (w != null) {
            w.destroyForcibly();
            watchdog = null;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free TCP port", e);
        }
    }

    private static boolean waitFor(Process p, long millis) {
        try {
            return p.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for MariaDB", e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a file the server still writes is removed by the watchdog or next run
                }
            });
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", root, e.toString());
        }
    }

    private static String randomPassword() {
        SecureRandom r = new SecureRandom();
        String chars = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            sb.append(chars.charAt(r.nextInt(chars.length())));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "MariaDB " + name() + " on 127.0.0.1:" + port;
    }

    private static final class PortInUseException extends RuntimeException {
        PortInUseException(int port) {
            super("port " + port + " is already in use");
        }
    }
}
