package io.paraverse.traffic.haproxy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy started as a child process in the foreground ({@code -db}) with a generated haproxy.cfg: one tcp
 * frontend on a free loopback port, one backend "db" with the given server lines, an admin stats socket on a unix
 * socket in a temporary directory and another on a loopback TCP port. Killed on close.
 */
final class HaproxyProcess implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;
    private final int adminPort;

    private HaproxyProcess(Process process, Path dir, int port, int adminPort) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.adminPort = adminPort;
    }

    /** The haproxy program, installing it with bin/ensure-prerequisites when it is missing and we may. */
    static Optional<Path> binary() throws IOException, InterruptedException {
        Optional<Path> found = find();
        if (found.isEmpty()) {
            Path script = Path.of("..", "bin", "ensure-prerequisites").toAbsolutePath().normalize();
            if (Files.isExecutable(script)) {
                Process p = new ProcessBuilder(script.toString()).inheritIO().start();
                p.waitFor(10, TimeUnit.MINUTES);
            }
            found = find();
        }
        return found;
    }

    private static Optional<Path> find() {
        for (String dir : (System.getenv("PATH") + ":/usr/sbin:/usr/local/sbin").split(":")) {
            Path p = Path.of(dir, "haproxy");
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Starts HAProxy in front of the given {@code server} lines (without the keyword) and waits for its socket. */
    static HaproxyProcess start(Path binary, List<String> servers) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("paraverse-haproxy-");
        int port = freePort();
        int adminPort = freePort();
        StringBuilder cfg = new StringBuilder()
                .append("global\n")
                .append("  stats socket ").append(dir.resolve("admin.sock")).append(" mode 600 level admin\n")
                .append("  stats socket 127.0.0.1:").append(adminPort).append(" level admin\n")
                .append("  maxconn 200\n")
                .append("defaults\n")
                .append("  mode tcp\n")
                .append("  timeout connect 2s\n")
                .append("  timeout queue 2s\n")
                .append("  timeout client 60s\n")
                .append("  timeout server 60s\n")
                .append("frontend mysql\n")
                .append("  bind 127.0.0.1:").append(port).append("\n")
                .append("  default_backend db\n")
                .append("backend db\n")
                .append("  option mysql-check user haproxy_check post-41\n");
        for (String server : servers) {
            cfg.append("  server ").append(server).append("\n");
        }
        Path cfgFile = dir.resolve("haproxy.cfg");
        Files.writeString(cfgFile, cfg);
        Process process = new ProcessBuilder(binary.toString(), "-db", "-f", cfgFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        HaproxyProcess haproxy = new HaproxyProcess(process, dir, port, adminPort);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(haproxy.adminSocket())) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(dir.resolve("haproxy.log"));
                haproxy.close();
                throw new IllegalStateException("haproxy did not start: " + log);
            }
            Thread.sleep(20);
        }
        return haproxy;
    }

    Path adminSocket() {
        return dir.resolve("admin.sock");
    }

    /** The admin stats socket bound to TCP, as "127.0.0.1:port". */
    String adminTcp() {
        return "127.0.0.1:" + adminPort;
    }

    int port() {
        return port;
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("haproxy.log"));
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
