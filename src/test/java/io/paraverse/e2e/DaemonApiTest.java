package io.paraverse.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paraverse.cloud.ProvisionerStateStore;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.api.ApiServer;
import io.paraverse.daemon.api.BearerToken;
import io.paraverse.daemon.api.DaemonMetrics;
import io.paraverse.daemon.service.DaemonService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A migration driven through the daemon's REST API, as an operator would: created from its file, followed to READY,
 * paused and resumed, seen falling behind (the clone's tables locked) and dropping back to CATCHING_UP, catching up
 * to READY again, equal to production translated, and aborted, which releases the local target and the journal.
 * Along the way: the token is required and never echoed, wrong phases answer 409 with the phases that allow the
 * operation, and the metrics carry the migration's label.
 */
class DaemonApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> output = new ArrayList<>();
    private String base;
    private String token;

    @TempDir
    Path work;

    @Test
    void anOperatorDrivesAMigrationThroughTheApi() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("api-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path yaml = shop.prepare("snapshot", 3000, 1000);
            token = "t0k3n-" + Long.toHexString(Double.doubleToLongBits(Math.random())) + "-abcdef";
            Files.writeString(work.resolve("token"), token);
            Path data = work.resolve("data");
            DaemonService daemon = new DaemonService(data, (m, line) -> record(m + ": " + line), (m, t) -> record(m + ": " + t));
            try (daemon; ApiServer api = new ApiServer(daemon, new ApiServer.Settings(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BearerToken.fromFile(work.resolve("token")), null, null),
                    new DaemonMetrics(daemon)).start()) {
                base = "http://127.0.0.1:" + api.port();
                daemon.startAll(List.of());

                assertEquals(401, call("GET", "/api/v1/migrations", null, null).statusCode(), "the token is required");
                assertEquals(200, call("GET", "/api/v1/health", null, null).statusCode(), "health needs no token");

                shop.startWriter();
                HttpResponse<String> created = call("POST", "/api/v1/migrations", Map.of("path", yaml.toString()), token);
                assertEquals(201, created.statusCode(), created.body());
                assertEquals(409, call("POST", "/api/v1/migrations", Map.of("path", yaml.toString()), token).statusCode(),
                        "a second migration of the same name is refused");

                JsonNode m = awaitPhase("READY", 240);
                assertTrue(m.path("timeline").size() >= 5, m.toString());
                assertTrue(m.path("transactionsBehind").isNumber(), m.toString());
                assertTrue(m.path("journal").path("budgetBytes").asLong() > 0, m.toString());

                // verification through the daemon, by the runbook command: clean, and shown in status afterwards
                int verifyExit = io.paraverse.daemon.Main.commandLine().execute("verify", "shop-split", "--url", base,
                        "--token-file", work.resolve("token").toString(), "--sample", "200");
                assertEquals(0, verifyExit, "paraverse verify NAME through the API");
                JsonNode verified = json(expect(200, call("GET", "/api/v1/migrations/shop-split", null, token)));
                assertTrue(verified.path("lastVerification").path("clean").asBoolean(), verified.toString());
                assertEquals("SAMPLED", verified.path("lastVerification").path("mode").asText(), verified.toString());

                String metrics = call("GET", "/metrics", null, token).body();
                assertTrue(metrics.contains("paraverse_phase{migration=\"shop-split\",phase=\"READY\"} 1.0"), metrics);
                assertTrue(metrics.contains("paraverse_lag_seconds{migration=\"shop-split\"}"), metrics);
                assertTrue(metrics.contains("paraverse_events_applied_total{migration=\"shop-split\"}"), metrics);

                // pause: apply stops, capture goes on; pausing again is a conflict that names the phases allowing it
                JsonNode paused = json(expect(200, call("POST", "/api/v1/migrations/shop-split/pause", Map.of("reason", "test pause"), token)));
                assertEquals("PAUSED", paused.path("phase").asText());
                JsonNode conflict = json(expect(409, call("POST", "/api/v1/migrations/shop-split/pause", Map.of("reason", "again"), token)));
                assertEquals("PAUSED", conflict.path("phase").asText());
                assertEquals("[\"CATCHING_UP\",\"READY\"]", conflict.path("allowedIn").toString());
                json(expect(400, call("POST", "/api/v1/migrations/shop-split/resume", Map.of(), token)));
                json(expect(404, call("POST", "/api/v1/migrations/nope/resume", Map.of("reason", "x"), token)));
                JsonNode resumed = json(expect(200, call("POST", "/api/v1/migrations/shop-split/resume", Map.of("reason", "go on"), token)));
                assertEquals("READY", resumed.path("phase").asText(), "back to the phase it was paused in");

                // the clone stops taking writes (its tables locked): lag grows past the limit, READY drops back
                try (Connection lock = targetConnection(data); Statement st = lock.createStatement()) {
                    st.execute("LOCK TABLES shop.client WRITE, shop.address WRITE");
                    awaitPhase("CATCHING_UP", 60);
                    st.execute("UNLOCK TABLES");
                }
                m = awaitPhase("READY", 120);
                List<String> path = new ArrayList<>();
                m.path("timeline").forEach(t -> path.add(t.path("to").asText()));
                assertEquals(List.of("PROVISIONING", "CLONING", "UPGRADING", "CATCHING_UP", "READY", "PAUSED", "READY", "CATCHING_UP", "READY"),
                        path, m.toString());

                assertTrue(shop.stopWriter() > 100, "the writer ran throughout");
                assertNull(shop.awaitCloneEqualsProduction(data));
                JsonNode log = json(expect(200, call("GET", "/api/v1/migrations/shop-split/upgrade-log?lines=50", null, token)));
                assertTrue(log.path("lines").toString().contains("upgrade.sql"), log.toString());

                // abort: final; the local target's directory and the journal are gone, production untouched
                Path targetDir = Path.of(new ProvisionerStateStore(data.resolve("shop-split").resolve("provisioner"))
                        .load("shop-split").orElseThrow().details().get("directory"));
                assertTrue(Files.isDirectory(targetDir));
                JsonNode notYet = json(expect(409, call("DELETE", "/api/v1/migrations/shop-split", null, token)));
                assertEquals("[\"ABORTED\"]", notYet.path("allowedIn").toString(), "only an aborted migration can be forgotten");
                JsonNode aborted = json(expect(200, call("POST", "/api/v1/migrations/shop-split/abort", Map.of("reason", "test done"), token)));
                assertEquals("ABORTED", aborted.path("phase").asText());
                assertFalse(Files.exists(targetDir), "the local target was deleted");
                assertFalse(Files.exists(work.resolve("journal")), "the journal was deleted");
                json(expect(409, call("POST", "/api/v1/migrations/shop-split/abort", Map.of("reason", "again"), token)));
                // forgotten: the name is free again, the record kept aside
                JsonNode forgotten = json(expect(200, call("DELETE", "/api/v1/migrations/shop-split", null, token)));
                assertTrue(Files.isDirectory(Path.of(forgotten.path("keptIn").asText())), forgotten.toString());
                assertTrue(Files.exists(Path.of(forgotten.path("keptIn").asText()).resolve("state.json")), forgotten.toString());
                expect(404, call("GET", "/api/v1/migrations/shop-split", null, token));
                assertEquals("{\"migrations\":[]}", call("GET", "/api/v1/migrations", null, token).body());
                try (Connection c = source.connect("shop"); Statement st = c.createStatement()) {
                    assertTrue(st.executeQuery("SELECT COUNT(*) FROM customer").next(), "production is untouched");
                }
            }
            String all = String.join("\n", output);
            assertFalse(all.contains(token), "the token never appears in output");
            assertFalse(all.contains(source.password()), "the source password never appears in output");
        }
    }

    private void record(String line) {
        synchronized (output) {
            output.add(line);
        }
    }

    private JsonNode awaitPhase(String phase, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        JsonNode m = null;
        while (System.nanoTime() < deadline) {
            m = json(expect(200, call("GET", "/api/v1/migrations/shop-split", null, token)));
            if (phase.equals(m.path("phase").asText())) {
                return m;
            }
            assertNotEquals("FAILED", m.path("phase").asText(), m.toString());
            Thread.sleep(300);
        }
        fail("not " + phase + " within " + seconds + " s: " + m + "\n" + String.join("\n", output));
        return null;
    }

    private Connection targetConnection(Path data) throws Exception {
        var state = new ProvisionerStateStore(data.resolve("shop-split").resolve("provisioner")).load("shop-split").orElseThrow();
        return DriverManager.getConnection(state.jdbcUrl(), state.user(), state.credentialRef().resolve());
    }

    private HttpResponse<String> call(String method, String path, Map<String, ?> body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertFalse(r.body().contains(token), "a response echoed the token: " + path);
        return r;
    }

    private static HttpResponse<String> expect(int status, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.request().method() + " " + r.uri() + " -> " + r.body());
        return r;
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }
}
