package io.paraverse.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paraverse.cloud.ProvisionerStateStore;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.migration.state.MigrationState;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.migration.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The daemon SIGKILLed in the middle of a cutover, with a hook command as the traffic switch (it records every step
 * it is asked for): killed after production was fenced with read_only but before the switch, the restarted daemon
 * rolls the cutover back (read_only off, traffic on production) and catches up to READY again; killed while switching
 * (past the point of no return), the restarted daemon completes the cutover. Never in between. A failing hook at the
 * check refuses the cutover before anything is held.
 */
class CutoverCrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern API = Pattern.compile("API on http://127\\.0\\.0\\.1:(\\d+)");
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path work;

    @Test
    void aDaemonKilledMidCutoverResolvesItOnRestartEitherWay() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("cutcrash-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path hook = CutoverTestSupport.hookScript(work);
            Path yaml = shop.prepare("snapshot", 2000, 1000, String.join("\n",
                    "cutover: {switch: hook, timeout: 60s, drain_timeout: 2s, max_drain: 5s,",
                    "          hook: {command: [sh, '" + hook + "'], timeout: 90s}}",
                    "verify: {every: 'off'}"));
            Path data = work.resolve("data");
            StateStore states = new StateStore(data);
            shop.startWriter();

            Process d = daemon(yaml, data, "d1");
            int port = apiPort(d, "d1");
            awaitPhase(states, Phase.READY, d, "d1");

            // a failing check: refused, nothing held
            Files.writeString(work.resolve("fail-check"), "");
            JsonNode refused = cutover(port);
            assertEquals("REFUSED", refused.path("report").path("outcome").asText(), refused.toString());
            assertTrue(refused.path("report").path("reason").asText().contains("traffic switch ready"), refused.toString());
            assertEquals(0, CutoverTestSupport.readOnly(source));
            Files.delete(work.resolve("fail-check"));

            // killed after the fence (read_only on production), while the drain is held up: rolled back on restart
            Files.writeString(work.resolve("slow-fence"), "1");
            CompletableFuture<JsonNode> first = CompletableFuture.supplyAsync(() -> cutoverQuietly(port));
            awaitFile(work.resolve("started-fence"), d, "d1");
            try (Connection clone = CutoverTestSupport.target(data); Statement st = clone.createStatement()) {
                clone.setAutoCommit(false);
                st.executeQuery("SELECT COUNT(*) FROM shop.client FOR UPDATE").close(); // the drain cannot finish
                awaitReadOnly(source, 1, d, "d1");
                kill(d);
                clone.rollback();
            }
            assertEquals(Phase.CUTTING_OVER, states.load(ShopSplitFixture.NAME).orElseThrow().phase());
            assertEquals(1, CutoverTestSupport.readOnly(source), "the killed daemon left production fenced");
            Files.delete(work.resolve("slow-fence"));
            Files.delete(work.resolve("started-fence"));
            Process d2 = daemon(yaml, data, "d2");
            awaitPhase(states, Phase.READY, d2, "d2");
            assertEquals(0, CutoverTestSupport.readOnly(source), "the restart rolled the cutover back: production writable");
            MigrationState s = states.load(ShopSplitFixture.NAME).orElseThrow();
            assertTrue(s.history().stream().anyMatch(t -> t.from() == Phase.CUTTING_OVER && t.to() == Phase.CATCHING_UP),
                    s.history().toString());
            assertTrue(Files.readString(work.resolve("hook.log")).contains("switch " + source.port()),
                    "traffic sent back to production: " + Files.readString(work.resolve("hook.log")));
            assertTrue(first.isDone() || first.completeExceptionally(new IllegalStateException("daemon killed")));

            // killed while switching (past the point of no return): completed on restart
            assertTrue(shop.stopWriter() > 50); // it writes around any switch, as root: it must stop before a real cutover
            int port2 = apiPort(d2, "d2");
            Files.deleteIfExists(work.resolve("started-switch")); // from the roll back's switch to production
            Files.writeString(work.resolve("slow-switch"), "60");
            CompletableFuture.supplyAsync(() -> cutoverQuietly(port2));
            awaitFile(work.resolve("started-switch"), d2, "d2");
            kill(d2);
            Files.delete(work.resolve("slow-switch"));
            assertEquals(Phase.CUTTING_OVER, states.load(ShopSplitFixture.NAME).orElseThrow().phase());
            Process d3 = daemon(yaml, data, "d3");
            awaitPhase(states, Phase.CUT_OVER, d3, "d3");
            assertEquals(1, CutoverTestSupport.readOnly(source), "production stays fenced (retired)");
            List<String> steps = Files.readAllLines(work.resolve("hook.log"));
            int clonePort = new ProvisionerStateStore(data.resolve(ShopSplitFixture.NAME).resolve("provisioner"))
                    .load(ShopSplitFixture.NAME).orElseThrow().port();
            assertEquals("switch " + clonePort, steps.get(steps.size() - 2), "the restart switched to the clone: " + steps);
            assertEquals("release " + clonePort, steps.get(steps.size() - 1), steps.toString());
            assertNull(shop.awaitCloneEqualsProduction(data));
            d3.destroy();
            assertTrue(d3.waitFor(60, TimeUnit.SECONDS));
        }
    }

    private Process daemon(Path yaml, Path data, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"), "io.paraverse.daemon.Main",
                "daemon", "--data-dir", data.toString(), "--listen", "127.0.0.1:0", "--status-every", "1", yaml.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile()).start();
    }

    private int apiPort(Process d, String name) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            Matcher m = API.matcher(Files.readString(work.resolve(name + ".log")));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            assertTrue(d.isAlive(), () -> "the daemon ended:\n" + log(name));
            Thread.sleep(50);
        }
        fail("no API line:\n" + log(name));
        return -1;
    }

    private JsonNode cutover(int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/migrations/"
                        + ShopSplitFixture.NAME + "/cutover")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"dryRun\": false}")).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private JsonNode cutoverQuietly(int port) {
        try {
            return cutover(port);
        } catch (Exception e) {
            return null; // the daemon is killed while it answers
        }
    }

    private void awaitPhase(StateStore states, Phase phase, Process d, String name) throws Exception {
        long deadline = System.nanoTime() + 240_000_000_000L;
        while (System.nanoTime() < deadline) {
            var s = states.load(ShopSplitFixture.NAME);
            if (s.isPresent() && s.get().phase() == phase) {
                return;
            }
            assertTrue(s.isEmpty() || s.get().phase() != Phase.FAILED, () -> "FAILED: " + s + "\n" + log(name));
            assertTrue(d.isAlive(), () -> "the daemon ended:\n" + log(name));
            Thread.sleep(100);
        }
        fail("not " + phase + ": " + states.load(ShopSplitFixture.NAME) + "\n" + log(name));
    }

    private void awaitFile(Path f, Process d, String name) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.exists(f)) {
            assertTrue(System.nanoTime() < deadline, () -> f + " never appeared:\n" + log(name));
            assertTrue(d.isAlive(), () -> "the daemon ended:\n" + log(name));
            Thread.sleep(20);
        }
    }

    private void awaitReadOnly(MariaDbServer source, int value, Process d, String name) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (CutoverTestSupport.readOnly(source) != value) {
            assertTrue(System.nanoTime() < deadline, () -> "read_only never " + value + ":\n" + log(name));
            assertTrue(d.isAlive(), () -> "the daemon ended:\n" + log(name));
            Thread.sleep(5);
        }
    }

    private String log(String name) {
        try {
            return Files.readString(work.resolve(name + ".log"));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }



    private static void kill(Process d) throws InterruptedException {
        d.destroyForcibly(); // SIGKILL
        assertTrue(d.waitFor(30, TimeUnit.SECONDS));
    }
}
