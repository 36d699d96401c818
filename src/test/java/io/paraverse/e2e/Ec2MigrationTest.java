package io.paraverse.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.paraverse.cloud.ProvisionerStateStore;
import io.paraverse.cloud.ec2.FakeEc2;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.cutover.CutoverReport;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.service.DaemonService;
import io.paraverse.daemon.service.MigrationRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A whole migration through the ec2 provisioner, with no AWS: the migration file says {@code target: {provisioner:
 * ec2}} with its endpoint at {@link FakeEc2} (the EC2 Query API over HTTP, from cloud's test-jar) and the SDK's default
 * credential chain finds static test keys in system properties. The fake's "instance" is a local MariaDB (binlog on,
 * as the user data configures it): RunInstances plays cloud-init by running the bootstrap SQL from the decoded user
 * data on it, and DescribeInstances answers 127.0.0.1 as its private address.
 *
 * <p>An in-process daemon runs the shop-split migration PROVISIONING → CLONING → UPGRADING → CATCHING_UP → READY while
 * a writer changes production; the clone (found through the ec2 provisioner's persisted state) equals production
 * translated. Aborted, the instance is terminated and its state gone. Run again (same name, after forget) and cut over
 * with a hook switch, the instance is production: its expiry tag removed, tagged {@code paraverse:role=production},
 * never terminated. Meanwhile the daemon's EC2 reaper (every second here) terminates an expired instance a crashed
 * daemon left behind, but neither another owner's nor the running migration's own, expired as it is (lifetime 1ms).
 * No password (bootstrap, rotated, production's, the AWS secret key) appears in the daemon's status lines or its log.
 */
class Ec2MigrationTest {
    /** The bootstrap SQL in the user data (the heredoc UserDataScript writes). */
    private static final Pattern BOOTSTRAP_SQL = Pattern.compile("<<'PARAVERSE_SQL'\n(.*?)\nPARAVERSE_SQL\n", Pattern.DOTALL);
    private static final String AWS_SECRET = "e2eSecretKeyNotToBeLogged0123456789";
    private static final List<String> PROPERTIES = List.of("aws.accessKeyId", "aws.secretAccessKey", "paraverse.ec2.reap-every");

    @TempDir
    Path work;
    private final List<String> oldProperties = new ArrayList<>();
    private ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void credentialsAndLogs() {
        PROPERTIES.forEach(p -> oldProperties.add(System.getProperty(p)));
        System.setProperty("aws.accessKeyId", "AKIDE2ETESTKEY");
        System.setProperty("aws.secretAccessKey", AWS_SECRET);
        System.setProperty("paraverse.ec2.reap-every", "1s");
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void restore() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        for (int i = 0; i < PROPERTIES.size(); i++) {
            if (oldProperties.get(i) == null) {
                System.clearProperty(PROPERTIES.get(i));
            } else {
                System.setProperty(PROPERTIES.get(i), oldProperties.get(i));
            }
        }
    }

    @Test
    void aMigrationOnAnEc2TargetIsAbortedThenRunAgainAndCutOver() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("ec2mig-src"));
             MariaDbServer instanceDb = MariaDbServer.start(MariaDbOptions.source("ec2mig-instance")
                     .option("ssl-cert", FakeEc2.instanceCert(tlsDir()).toString())
                     .option("ssl-key", FakeEc2.instanceKey(work.resolve("instance-tls")).toString()));
             FakeEc2 ec2 = new FakeEc2()) {
            ec2.onLaunch = i -> cloudInit(instanceDb, work.resolve("instance-tls"), i);
            // left behind by a crashed daemon (expired; ours to reap), and another owner's (not ours)
            String past = java.time.Instant.now().minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
            FakeEc2.FakeInstance leftBehind = ec2.add("running", java.util.Map.of("paraverse:migration", "left-behind",
                    "paraverse:owner", "e2e", "paraverse:expires-at", past));
            FakeEc2.FakeInstance othersOwn = ec2.add("running", java.util.Map.of("paraverse:migration", "bobs",
                    "paraverse:owner", "bob", "paraverse:expires-at", past));
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            Path hook = CutoverTestSupport.hookScript(work);
            Path yaml = shop.prepare("snapshot", 2000, 1000, String.join("\n",
                    "cutover: {switch: hook, timeout: 8s, drain_timeout: 2s, max_drain: 5s,",
                    "          hook: {command: [sh, '" + hook + "'], timeout: 30s}}",
                    "verify: {every: 'off'}"));
            useEc2Target(yaml, ec2, instanceDb.port());
            // an upgrade command too: external clients reach the TLS-only clone through the option file (ssl-ca)
            Path tlsCommand = work.resolve("upgrade-tls.sh");
            Files.writeString(tlsCommand, "set -e\ngrep -q '^ssl-ca=' \"$PARAVERSE_CLONE_OPTION_FILE\"\n"
                    + "test -f \"$PARAVERSE_CLONE_SSL_CA\"\n"
                    + "mariadb --defaults-extra-file=\"$PARAVERSE_CLONE_OPTION_FILE\" -N -e"
                    + " \"SHOW STATUS LIKE 'Ssl_cipher'\" > '" + work.resolve("upgrade-tls.out") + "'\n");
            String upgrade = "upgrade: {sql: [upgrade.sql], timeout: 5m}";
            assertTrue(Files.readString(yaml).contains(upgrade));
            Files.writeString(yaml, Files.readString(yaml).replace(upgrade,
                    "upgrade: {sql: [upgrade.sql], command: [sh, '" + tlsCommand + "'], timeout: 5m}"));
            Path data = work.resolve("data");
            List<String> out = new ArrayList<>();
            Set<String> secrets = new LinkedHashSet<>(List.of(AWS_SECRET, source.password()));
            try (DaemonService daemon = new DaemonService(data, (m, l) -> record(out, l), (m, t) -> { })) {
                // 1. to READY on an EC2 instance while production changes; the clone is production translated
                daemon.startAll(List.of(yaml));
                MigrationRunner first = daemon.runner(ShopSplitFixture.NAME).orElseThrow();
                shop.startWriter();
                await(first, Phase.READY, out);
                assertEquals(List.of(Phase.PROVISIONING, Phase.CLONING, Phase.UPGRADING, Phase.CATCHING_UP, Phase.READY),
                        first.state().history().stream().map(h -> h.to()).toList());
                assertEquals(1, ec2.requests("RunInstances").size(), "one instance launched");
                FakeEc2.FakeInstance instance = ec2.instances.values().stream()
                        .filter(i -> ShopSplitFixture.NAME.equals(i.tags.get("paraverse:migration"))).findFirst().orElseThrow();
                assertEquals("running", instance.state);
                assertEquals(ShopSplitFixture.NAME, instance.tags.get("paraverse:migration"));
                var state = provisionerState(data).orElseThrow();
                assertEquals("ec2", state.kind());
                assertEquals(instance.id, state.details().get("instanceId"));
                assertEquals("127.0.0.1", state.host());
                assertEquals(instanceDb.port(), state.port());
                assertOnlyTlsPinnedToTheMigrationsCertificate(instanceDb, state);
                String commandSaw = Files.readString(work.resolve("upgrade-tls.out")).strip();
                assertTrue(commandSaw.startsWith("Ssl_cipher") && commandSaw.length() > "Ssl_cipher".length() + 3,
                        "the upgrade command's connection is not encrypted: " + commandSaw);
                // the daemon's reaper (every second here) terminated what was left behind, not bob's, and not this
                // migration's instance although its lifetime (1ms) has passed: the migration is live
                awaitTerminated(leftBehind);
                assertEquals("running", othersOwn.state);
                assertEquals("running", instance.state);
                assertTrue(instance.tags.containsKey("paraverse:expires-at"));
                assertTrue(lines(out).stream().anyMatch(l -> l.startsWith("target: ec2 server 127.0.0.1:" + instanceDb.port()
                        + " (EC2 " + instance.id)), "the status names the instance:\n" + String.join("\n", lines(out)));
                secrets.add(bootstrapPassword(instance));
                String rotated = state.credentialRef().resolve();
                secrets.add(rotated);
                assertNotEquals(bootstrapPassword(instance), rotated, "the bootstrap password was replaced");
                assertTrue(shop.stopWriter() > 100, "the writer ran during the migration");
                assertNull(shop.awaitCloneEqualsProduction(data));

                // 2. abort: the instance is terminated, the provisioner's state and secrets gone
                first.submit(new MigrationRunner.Abort("e2e: abort an ec2 migration")).get(60, TimeUnit.SECONDS);
                assertEquals(Phase.ABORTED, first.state().phase());
                assertEquals(1, terminations(ec2, instance.id), "TerminateInstances for the migration's instance");
                assertEquals("terminated", instance.state);
                assertTrue(provisionerState(data).isEmpty(), "the ec2 state is gone after abort");
                try (var files = Files.list(data.resolve(ShopSplitFixture.NAME).resolve("provisioner"))) {
                    assertEquals(List.of(), files.map(f -> f.getFileName().toString()).toList(), "no state, no secret left");
                }

                // 3. the same migration again (forgotten first), while production changes, then cut over
                daemon.forget(ShopSplitFixture.NAME);
                source.execute("DELETE FROM shop.customer WHERE id >= 1000000"); // the writer's inserts start there again
                MigrationRunner second = daemon.create(Files.readString(yaml), work);
                shop.startWriter();
                await(second, Phase.READY, out);
                assertEquals(2, ec2.requests("RunInstances").size(), "a new instance for the new run");
                FakeEc2.FakeInstance instance2 = ec2.instances.values().stream().filter(i -> !i.id.equals(instance.id)
                        && ShopSplitFixture.NAME.equals(i.tags.get("paraverse:migration"))).findFirst().orElseThrow();
                var state2 = provisionerState(data).orElseThrow();
                assertEquals(instance2.id, state2.details().get("instanceId"));
                secrets.add(bootstrapPassword(instance2));
                secrets.add(state2.credentialRef().resolve());
                assertTrue(instance2.tags.containsKey("paraverse:expires-at"), "reapable while it is a clone");
                assertTrue(shop.stopWriter() > 50); // it writes as root around the switch: stopped before a real cutover
                second.submit(new MigrationRunner.Cutover(false, null)).get(120, TimeUnit.SECONDS);
                CutoverReport report = second.migration().lastCutover();
                assertEquals(CutoverReport.Outcome.CUT_OVER, report.outcome(), report + "\n" + String.join("\n", lines(out)));
                assertEquals(Phase.CUT_OVER, second.state().phase());
                assertEquals(1, CutoverTestSupport.readOnly(source), "production retired (read_only)");
                assertTrue(Files.readAllLines(work.resolve("hook.log")).stream()
                        .anyMatch(l -> l.equals("switch " + instanceDb.port())), "the switch pointed at the instance");

                // the instance is production now: no expiry (the reaper leaves it), role tag, not terminated
                assertEquals("running", instance2.state);
                assertEquals("production", instance2.tags.get("paraverse:role"));
                assertFalse(instance2.tags.containsKey("paraverse:expires-at"), "expiry removed: " + instance2.tags);
                Thread.sleep(1_500); // a reaper round after the cutover
                assertEquals(0, terminations(ec2, instance2.id), "the production instance was never terminated");
                assertEquals("running", othersOwn.state);
                assertEquals("production", provisionerState(data).orElseThrow().details().get("phase"));
                assertNull(shop.awaitCloneEqualsProduction(data));
            }

            // no password in what the daemon said or logged
            List<String> said = lines(out);
            List<String> logged = logs.list.stream().map(e -> e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList();
            assertTrue(said.size() > 10 && logged.size() > 10, "the daemon said and logged things");
            for (String keyMaterial : List.of("PRIVATE KEY", "-----BEGIN")) {
                said.stream().filter(l -> l.contains(keyMaterial)).findFirst()
                        .ifPresent(l -> fail("key material in the daemon's status output: " + l));
                logged.stream().filter(l -> l.contains(keyMaterial)).findFirst()
                        .ifPresent(l -> fail("key material in the daemon's log: " + l));
            }
            for (String secret : secrets) {
                assertTrue(secret.length() >= 8, "a real secret to look for");
                said.stream().filter(l -> l.contains(secret)).findFirst()
                        .ifPresent(l -> fail("a password in the daemon's status output: " + l));
                logged.stream().filter(l -> l.contains(secret)).findFirst()
                        .ifPresent(l -> fail("a password in the daemon's log: " + l));
            }
        }
    }

    /** The "instance" MariaDB's placeholder certificate and key, replaced by the user data's on each launch. */
    private Path tlsDir() throws Exception {
        Path dir = Files.createDirectories(work.resolve("instance-tls"));
        FakeEc2.placeholderTls(dir);
        return dir;
    }

    /** Root's own way in: TLS without verification (the server requires TLS once "booted"). */
    private static Connection root(MariaDbServer db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl("") + "?sslMode=trust", "root", db.password());
    }

    /**
     * The daemon's connections to the target are TLS pinned to the migration's certificate: the URL the provisioner
     * persisted carries verify-ca with the certificate, the daemon's Endpoint built from it (as MigrationContext
     * builds it) is encrypted, and the server refuses plaintext and a client pinned to another certificate.
     */
    private void assertOnlyTlsPinnedToTheMigrationsCertificate(MariaDbServer db, io.paraverse.cloud.ProvisionerState state) throws Exception {
        assertTrue(state.jdbcUrl().contains("?sslMode=verify-ca&serverSslCert="), state.jdbcUrl());
        String password = state.credentialRef().resolve();
        io.paraverse.daemon.pipeline.Endpoint daemonSide = new io.paraverse.daemon.pipeline.Endpoint(state.host(), state.port(),
                state.user(), password, io.paraverse.daemon.pipeline.Endpoint.optionsOf(state.jdbcUrl()));
        try (Connection c = DriverManager.getConnection(daemonSide.jdbcUrl("shop"), daemonSide.user(), password);
             ResultSet rs = c.createStatement().executeQuery("SHOW STATUS LIKE 'Ssl_cipher'")) {
            assertTrue(rs.next());
            assertFalse(rs.getString(2).isBlank(), "the daemon's connection to the target is not encrypted");
        }
        try (Connection c = root(db); ResultSet rs = c.createStatement().executeQuery("SELECT @@require_secure_transport")) {
            assertTrue(rs.next());
            assertTrue(rs.getBoolean(1), "the instance requires TLS as its user data says");
        }
        String plain = "jdbc:mariadb://" + state.host() + ":" + state.port() + "/?sslMode=disable";
        assertThrows(SQLException.class, () -> DriverManager.getConnection(plain, state.user(), password).close());
        Path impostorDir = Files.createDirectories(work.resolve("impostor"));
        FakeEc2.placeholderTls(impostorDir);
        String otherCa = "jdbc:mariadb://" + state.host() + ":" + state.port() + "/?sslMode=verify-ca&serverSslCert="
                + FakeEc2.instanceCert(impostorDir);
        assertThrows(SQLException.class, () -> DriverManager.getConnection(otherCa, state.user(), password).close());
    }

    /** The migration file's local target becomes an ec2 one whose EC2 is the fake and whose database is instanceDb. */
    private static void useEc2Target(Path yaml, FakeEc2 ec2, int port) throws Exception {
        String text = Files.readString(yaml);
        String local = "target: {provisioner: local, datadir: local}";
        assertTrue(text.contains(local), text);
        Files.writeString(yaml, text.replace(local, "target: {provisioner: ec2, ec2: {region: us-east-1, endpoint: '"
                + ec2.endpoint() + "', image_id: ami-0123456789abcdef0, instance_types: [r6i.large], subnets: [subnet-aaa],"
                + " security_groups: [sg-111], owner: e2e, lifetime: 1ms, port: " + port + ", running_timeout: 20s,"
                + " ready_timeout: 20s, poll_interval: 200ms, price_per_hour: {r6i.large: 0.252}}}"));
    }

    /**
     * What cloud-init does on a new instance with the user data, on the local MariaDB: it starts empty (the previous
     * "instance"'s schemas, user and binlog gone), the server takes the user data's certificate and key and requires
     * TLS, then the bootstrap SQL creates Paraverse's user (REQUIRE SSL).
     */
    private static void cloudInit(MariaDbServer db, Path tls, FakeEc2.FakeInstance i) {
        Matcher m = BOOTSTRAP_SQL.matcher(i.decodedUserData());
        if (!m.find()) {
            throw new IllegalStateException("no bootstrap SQL in the user data of " + i.id);
        }
        try (Connection c = root(db); Statement st = c.createStatement()) {
            FakeEc2.installTls(i.decodedUserData(), FakeEc2.instanceCert(tls), FakeEc2.instanceKey(tls), st);
            List<String> schemas = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT schema_name FROM information_schema.schemata WHERE schema_name"
                    + " NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')")) {
                while (rs.next()) {
                    schemas.add(rs.getString(1));
                }
            }
            for (String s : schemas) {
                st.execute("DROP DATABASE `" + s + "`");
            }
            st.execute("DROP USER IF EXISTS 'paraverse'@'%'");
            st.execute("RESET MASTER");
            for (String sql : m.group(1).split(";\n")) {
                if (!sql.isBlank()) {
                    st.execute(sql.strip().replaceAll(";$", ""));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cloud-init on " + i.id + ": " + e.getMessage(), e);
        }
    }

    private static long terminations(FakeEc2 ec2, String instanceId) {
        return ec2.requests("TerminateInstances").stream()
                .filter(r -> r.entrySet().stream().anyMatch(e -> e.getKey().startsWith("InstanceId.") && e.getValue().equals(instanceId)))
                .count();
    }

    private static void awaitTerminated(FakeEc2.FakeInstance i) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!"terminated".equals(i.state)) {
            assertTrue(System.nanoTime() < deadline, i.id + " not terminated: " + i.state + " " + i.tags);
            Thread.sleep(100);
        }
    }

    private static String bootstrapPassword(FakeEc2.FakeInstance i) {
        Matcher m = Pattern.compile("IDENTIFIED BY '([A-Za-z0-9]+)'").matcher(i.decodedUserData());
        assertTrue(m.find(), "a bootstrap password in the user data");
        return m.group(1);
    }

    private static java.util.Optional<io.paraverse.cloud.ProvisionerState> provisionerState(Path data) {
        return new ProvisionerStateStore(data.resolve(ShopSplitFixture.NAME).resolve("provisioner")).load(ShopSplitFixture.NAME);
    }

    private static void await(MigrationRunner r, Phase phase, List<String> out) throws InterruptedException {
        AwaitPhase.of(r, phase, 240, out);
    }

    private static List<String> lines(List<String> out) {
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    private static void record(List<String> out, String line) {
        synchronized (out) {
            out.add(line);
        }
    }
}
