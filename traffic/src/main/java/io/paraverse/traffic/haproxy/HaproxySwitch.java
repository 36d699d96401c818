package io.paraverse.traffic.haproxy;

import io.paraverse.traffic.Endpoint;
import io.paraverse.traffic.FenceResult;
import io.paraverse.traffic.TrafficSwitch;
import io.paraverse.traffic.TrafficSwitchException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Moves clients between two server lines of an HAProxy backend (mode tcp) through HAProxy's runtime API.
 * <ul>
 * <li>check: the stats socket answers, the backend and both servers exist, production is UP and the clone is in
 * maintenance (otherwise HAProxy would already split clients between both).</li>
 * <li>fence: production goes to {@code drain} (no new connections) and we wait for its sessions ({@code scur}) to
 * reach 0. HAProxy refuses new connections meanwhile rather than holding them, and cannot see transactions: a pooled
 * idle connection counts as a session, so the cutover also fences with read_only.</li>
 * <li>switchTo: the server whose address is the target goes to {@code ready}, the other to {@code maint}, and the
 * sessions still open on the other are shut.</li>
 * <li>release: HAProxy holds nobody; makes sure the server traffic goes to is {@code ready}.</li>
 * </ul>
 */
public final class HaproxySwitch implements TrafficSwitch {
    private static final Logger log = LoggerFactory.getLogger(HaproxySwitch.class);
    private static final long POLL_MS = 100;

    private final HaproxySwitchConfig config;
    private final HaproxyRuntimeApi api;
    /** The server clients should reach now: production until a switch to the clone. */
    private volatile String current;

    public HaproxySwitch(HaproxySwitchConfig config) {
        this.config = config;
        this.api = new HaproxyRuntimeApi(config.statsSocket(), config.commandTimeout());
        this.current = config.productionServer();
    }

    @Override
    public String name() {
        return "haproxy";
    }

    @Override
    public void check() throws TrafficSwitchException {
        List<HaproxyServerStat> stats = stats("check");
        HaproxyServerStat production = server(stats, config.productionServer(), "check");
        HaproxyServerStat clone = server(stats, config.cloneServer(), "check");
        if (!production.isUp()) {
            throw new TrafficSwitchException(where(production.server()) + " is " + production.status()
                    + ", not UP: clients do not reach production through HAProxy now; fix the server (or run 'set server "
                    + config.backend() + "/" + production.server() + " state ready') before the cutover");
        }
        if (!clone.isMaintenance()) {
            throw new TrafficSwitchException(where(clone.server()) + " is " + clone.status()
                    + ": HAProxy may already send clients to the clone; declare it 'disabled' in haproxy.cfg or run"
                    + " 'set server " + config.backend() + "/" + clone.server() + " state maint'");
        }
        log.info("haproxy: backend {} on {}: production server {} ({}) is {}, clone server {} ({}) is {}",
                config.backend(), api.socket(), production.server(), production.address(), production.status(),
                clone.server(), clone.address(), clone.status());
    }

    @Override
    public FenceResult fence(Duration timeout) throws TrafficSwitchException, InterruptedException {
        long start = System.nanoTime();
        command("set server " + config.backend() + "/" + config.productionServer() + " state drain",
                config.productionServer(), "fence");
        log.info("haproxy: production server {}/{} drains (no new connections); waiting up to {} ms for its sessions"
                + " to end", config.backend(), config.productionServer(), timeout.toMillis());
        long deadline = start + timeout.toNanos();
        while (true) {
            int sessions = server(stats("fence"), config.productionServer(), "fence").sessions();
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            if (sessions == 0 || System.nanoTime() >= deadline) {
                log.info("haproxy: production server {}/{} has {} session(s) after {} ms", config.backend(),
                        config.productionServer(), sessions, waited.toMillis());
                return new FenceResult(sessions == 0, sessions, waited, false);
            }
            Thread.sleep(POLL_MS);
        }
    }

    @Override
    public void switchTo(Endpoint target) throws TrafficSwitchException {
        List<HaproxyServerStat> stats = stats("switch");
        HaproxyServerStat production = server(stats, config.productionServer(), "switch");
        HaproxyServerStat clone = server(stats, config.cloneServer(), "switch");
        boolean toProduction = matches(production, target);
        boolean toClone = matches(clone, target);
        if (toProduction == toClone) {
            throw new TrafficSwitchException("haproxy: cannot switch backend " + config.backend() + " to " + target
                    + ": " + (toProduction ? "both servers have" : "neither server has") + " that address (production "
                    + production.server() + " is " + production.address() + ", clone " + clone.server() + " is "
                    + clone.address() + "); give the switch the address HAProxy's server line uses");
        }
        String in = toProduction ? production.server() : clone.server();
        String out = toProduction ? clone.server() : production.server();
        command("set server " + config.backend() + "/" + in + " state ready", in, "switch");
        awaitUp(in, "switch");
        command("set server " + config.backend() + "/" + out + " state maint", out, "switch");
        // Pooled clients keep idle connections open for minutes; without this they would keep talking to the old
        // server through HAProxy, which only stops routing *new* connections to a server in maintenance.
        command("shutdown sessions server " + config.backend() + "/" + out, out, "switch");
        current = in;
        log.info("haproxy: backend {} now sends clients to server {} ({}); server {} in maintenance, its sessions shut",
                config.backend(), in, target, out);
    }

    @Override
    public void release() throws TrafficSwitchException {
        String server = current;
        command("set server " + config.backend() + "/" + server + " state ready", server, "release");
        awaitUp(server, "release");
        log.info("haproxy: release: server {}/{} is ready (HAProxy holds no clients)", config.backend(), server);
    }

    private void awaitUp(String server, String step) throws TrafficSwitchException {
        long deadline = System.nanoTime() + config.readyTimeout().toNanos();
        while (true) {
            HaproxyServerStat stat = server(stats(step), server, step);
            if (stat.isUp()) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new TrafficSwitchException(where(server) + " is still " + stat.status() + " "
                        + config.readyTimeout().toMillis() + " ms after 'state ready' (" + step + "): its health check"
                        + " fails; check that the database at " + stat.address() + " accepts connections from HAProxy");
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TrafficSwitchException(where(server) + ": interrupted while waiting for it to come up");
            }
        }
    }

    /** True when the server line's address is the endpoint (the host compared by name, else by IP address). */
    private static boolean matches(HaproxyServerStat server, Endpoint endpoint) {
        int colon = server.address().lastIndexOf(':');
        if (colon < 0) {
            return false;
        }
        String host = server.address().substring(0, colon);
        if (!server.address().substring(colon + 1).equals(Integer.toString(endpoint.port()))) {
            return false;
        }
        if (host.equalsIgnoreCase(endpoint.host())) {
            return true;
        }
        try {
            InetAddress serverIp = InetAddress.getByName(host);
            for (InetAddress ip : InetAddress.getAllByName(endpoint.host())) {
                if (ip.equals(serverIp)) {
                    return true;
                }
            }
        } catch (UnknownHostException e) {
            return false;
        }
        return false;
    }

    private List<HaproxyServerStat> stats(String step) throws TrafficSwitchException {
        String answer = send("show stat", step, null);
        try {
            return HaproxyServerStat.parse(answer);
        } catch (IllegalArgumentException e) {
            throw new TrafficSwitchException("haproxy: 'show stat' on stats socket " + api.socket() + " (" + step
                    + ") gave an answer we cannot read: " + e.getMessage());
        }
    }

    private HaproxyServerStat server(List<HaproxyServerStat> stats, String server, String step)
            throws TrafficSwitchException {
        Optional<HaproxyServerStat> found = stats.stream()
                .filter(s -> s.backend().equals(config.backend()) && s.server().equals(server)).findFirst();
        if (found.isPresent()) {
            return found.get();
        }
        List<String> inBackend = stats.stream().filter(s -> s.backend().equals(config.backend()))
                .map(HaproxyServerStat::server).toList();
        if (inBackend.isEmpty()) {
            List<String> backends = stats.stream().map(HaproxyServerStat::backend).distinct().toList();
            throw new TrafficSwitchException("haproxy: no backend '" + config.backend() + "' with servers behind stats"
                    + " socket " + api.socket() + " (" + step + "); backends there: " + backends
                    + "; check the backend name in the switch configuration against haproxy.cfg");
        }
        throw new TrafficSwitchException("haproxy: backend " + config.backend() + " behind stats socket " + api.socket()
                + " has no server '" + server + "' (" + step + "); its servers: " + inBackend
                + "; check the server names in the switch configuration against haproxy.cfg");
    }

    /** Sends a command that answers nothing when it succeeds. */
    private void command(String command, String server, String step) throws TrafficSwitchException {
        String answer = send(command, step, server);
        if (!answer.isBlank()) {
            String hint = answer.contains("Permission denied")
                    ? "; the stats socket must be declared with 'level admin' in haproxy.cfg" : "";
            throw new TrafficSwitchException(where(server) + ": '" + command + "' failed (" + step + "), HAProxy answered: "
                    + answer.trim() + hint);
        }
        log.debug("haproxy: {} ok", command);
    }

    private String send(String command, String step, String server) throws TrafficSwitchException {
        try {
            return api.execute(command);
        } catch (IOException e) {
            throw new TrafficSwitchException("haproxy: cannot run '" + command + "' on stats socket " + api.socket()
                    + " (backend " + config.backend() + (server == null ? "" : ", server " + server) + ", " + step
                    + "): " + e.getMessage() + "; check that HAProxy runs and haproxy.cfg declares 'stats socket "
                    + api.socket() + " level admin', and that this process may open it", e);
        }
    }

    private String where(String server) {
        return "haproxy: server " + config.backend() + "/" + server + " (stats socket " + api.socket() + ")";
    }
}
