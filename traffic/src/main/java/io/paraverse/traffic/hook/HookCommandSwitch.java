package io.paraverse.traffic.hook;

import io.paraverse.traffic.Endpoint;
import io.paraverse.traffic.FenceResult;
import io.paraverse.traffic.TrafficSwitch;
import io.paraverse.traffic.TrafficSwitchException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the operator's command at each cutover step, with the migration's facts in its environment:
 * PARAVERSE_STEP (check, fence, switch, release), PARAVERSE_MIGRATION, PARAVERSE_TARGET_HOST/PORT (where traffic
 * goes after this step: the clone at check and fence, the switch's target at switch, where traffic is at release),
 * PARAVERSE_PRODUCTION_HOST/PORT, PARAVERSE_CLONE_HOST/PORT, PARAVERSE_FENCE_TIMEOUT_MS (fence only), plus the
 * configured extras. Its output (stdout and stderr together) is logged line by line. A non-zero exit or a step that
 * outlives its timeout (then the command and all its child processes are killed) fails the step.
 * <p>
 * Fence protocol: a line {@code drained} in the fence step's output says no client transaction is left on
 * production; a line {@code in-flight N} says N are left. Without either, the switch does not know (drained=false,
 * inFlight=-1) and the cutover fences with read_only. A hook never holds clients.
 */
public final class HookCommandSwitch implements TrafficSwitch {
    private static final Logger log = LoggerFactory.getLogger(HookCommandSwitch.class);
    private static final int LAST_LINES = 20;
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);
    private static final Pattern IN_FLIGHT = Pattern.compile("in-flight\\s+(\\d+)", Pattern.CASE_INSENSITIVE);

    private final HookCommandConfig config;
    /** Where traffic goes now: production until a switch to the clone. */
    private volatile Endpoint current;

    public HookCommandSwitch(HookCommandConfig config) {
        this.config = config;
        this.current = config.productionServer();
    }

    @Override
    public String name() {
        return "hook";
    }

    @Override
    public void check() throws TrafficSwitchException {
        runUninterrupted("check", config.cloneServer(), config.stepTimeout(), Map.of());
    }

    @Override
    public FenceResult fence(Duration timeout) throws TrafficSwitchException, InterruptedException {
        long start = System.nanoTime();
        Output out = run("fence", config.cloneServer(), timeout.plus(config.stepTimeout()),
                Map.of("PARAVERSE_FENCE_TIMEOUT_MS", Long.toString(timeout.toMillis())));
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        if (out.drained) {
            return new FenceResult(true, 0, waited, false);
        }
        return new FenceResult(false, out.inFlight, waited, false);
    }

    @Override
    public void switchTo(Endpoint target) throws TrafficSwitchException {
        runUninterrupted("switch", target, config.stepTimeout(), Map.of());
        current = target;
    }

    @Override
    public void release() throws TrafficSwitchException {
        runUninterrupted("release", current, config.stepTimeout(), Map.of());
    }

    private void runUninterrupted(String step, Endpoint target, Duration limit, Map<String, String> env)
            throws TrafficSwitchException {
        try {
            run(step, target, limit, env);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrafficSwitchException("hook: step " + step + ": interrupted; the command "
                    + config.command().get(0) + " and its child processes were killed");
        }
    }

    private Output run(String step, Endpoint target, Duration limit, Map<String, String> env)
            throws TrafficSwitchException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(config.command()).redirectErrorStream(true);
        if (config.workingDirectory() != null) {
            pb.directory(config.workingDirectory().toFile());
        }
        Map<String, String> environment = pb.environment();
        environment.putAll(config.environment());
        // ours last, so an extra cannot contradict the facts of the step
        environment.put("PARAVERSE_STEP", step);
        environment.put("PARAVERSE_MIGRATION", config.migration());
        environment.put("PARAVERSE_TARGET_HOST", target.host());
        environment.put("PARAVERSE_TARGET_PORT", Integer.toString(target.port()));
        environment.put("PARAVERSE_PRODUCTION_HOST", config.productionServer().host());
        environment.put("PARAVERSE_PRODUCTION_PORT", Integer.toString(config.productionServer().port()));
        environment.put("PARAVERSE_CLONE_HOST", config.cloneServer().host());
        environment.put("PARAVERSE_CLONE_PORT", Integer.toString(config.cloneServer().port()));
        environment.putAll(env);

        String program = config.command().get(0);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new TrafficSwitchException("hook: step " + step + ": cannot start " + program + ": "
                    + e.getMessage() + "; check the hook command's path and that it is executable", e);
        }
        log.info("hook: step {}: running {} (pid {}, target {}, limit {} ms)", step, program, process.pid(), target,
                limit.toMillis());
        Output out = new Output(step, process);
        out.start();
        boolean finished;
        try {
            finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        }
        if (!finished) {
            killTree(process);
            out.join(KILL_GRACE.toMillis());
            throw new TrafficSwitchException("hook: step " + step + ": " + program + " did not finish within "
                    + limit.toMillis() + " ms; it and its child processes were killed." + out.lastLines());
        }
        out.join(KILL_GRACE.toMillis()); // the rest of its output
        int exit = process.exitValue();
        if (exit != 0) {
            throw new TrafficSwitchException("hook: step " + step + ": " + program + " exited with code " + exit
                    + "." + out.lastLines());
        }
        log.info("hook: step {}: {} done", step, program);
        return out;
    }

    /** Ends the command and every process it started: a shell waiting for its child would ignore TERM meanwhile. */
    private static void killTree(Process process) throws InterruptedException {
        List<ProcessHandle> tree = process.descendants().toList(); // before the parent dies and they are reparented
        process.destroy();
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + KILL_GRACE.toNanos();
        while (System.nanoTime() < deadline
                && (process.isAlive() || tree.stream().anyMatch(ProcessHandle::isAlive))) {
            Thread.sleep(50);
        }
        process.destroyForcibly();
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the command's output as it comes: logs each line, keeps the last ones, notes the fence protocol. */
    private static final class Output extends Thread {
        private final String step;
        private final Process process;
        private final Deque<String> last = new ArrayDeque<>();
        private volatile boolean drained;
        private volatile int inFlight = -1;

        Output(String step, Process process) {
            super("hook-" + step + "-output");
            setDaemon(true); // a daemonized grandchild may keep the pipe open: do not keep the JVM for it
            this.step = step;
            this.process = process;
        }

        @Override
        public void run() {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    log.info("hook {}: {}", step, line);
                    String word = line.trim().toLowerCase(Locale.ROOT);
                    if (word.equals("drained")) {
                        drained = true;
                    }
                    Matcher m = IN_FLIGHT.matcher(line.trim());
                    if (m.matches()) {
                        inFlight = Integer.parseInt(m.group(1));
                    }
                    synchronized (last) {
                        last.addLast(line);
                        if (last.size() > LAST_LINES) {
                            last.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                log.debug("hook {}: output closed: {}", step, e.getMessage());
            }
        }

        String lastLines() {
            synchronized (last) {
                return last.isEmpty() ? " It printed nothing."
                        : " Its last output lines:\n  " + String.join("\n  ", last);
            }
        }
    }
}
