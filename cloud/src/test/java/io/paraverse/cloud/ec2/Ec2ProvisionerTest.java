package io.paraverse.cloud.ec2;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.paraverse.cloud.ProvisionedServer;
import io.paraverse.cloud.ProvisioningException;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The EC2 provisioner against a local server speaking the EC2 Query API ({@link FakeEc2}), at the HTTP level. The
 * "instance" is a local MariaDB: the fake's RunInstances plays cloud-init by running the bootstrap SQL found in the
 * decoded user data on it, and answers 127.0.0.1 as the private address, so provision() returns a server that works.
 * The local MariaDB runs with TLS like the instance: started with {@code ssl-cert}/{@code ssl-key} files, the fake's
 * cloud-init writes the certificate and key from the user data into them ({@code FLUSH SSL}) and turns on
 * {@code require_secure_transport} as the user data's configuration says.
 */
class Ec2ProvisionerTest {
    private static MariaDbServer instanceDb;
    /** Where the "instance" MariaDB reads its certificate and key (the user data's ones are copied here). */
    private static Path instanceTls;
    private static final Pattern BOOTSTRAP_SQL = Pattern.compile("<<'PARAVERSE_SQL'\n(.*?)\nPARAVERSE_SQL\n", Pattern.DOTALL);

    @TempDir
    Path tmp;
    private FakeEc2 fake;
    private ListAppender<ILoggingEvent> logs;

    @BeforeAll
    static void startInstanceDb() throws Exception {
        instanceTls = Files.createTempDirectory("ec2-instance-tls");
        TargetTls.ensure(instanceTls, "boot"); // a placeholder until the first "launch" brings the migration's own
        instanceDb = MariaDbServer.start(MariaDbOptions.target("ec2-instance")
                .option("ssl-cert", TargetTls.certFile(instanceTls, "boot").toString())
                .option("ssl-key", TargetTls.keyFile(instanceTls, "boot").toString()));
    }

    /** Root over TLS (the server requires it once "booted"); the tests' own back door, not how Paraverse connects. */
    static Connection root() throws SQLException {
        return DriverManager.getConnection(instanceDb.jdbcUrl("") + "?sslMode=trust", "root", instanceDb.password());
    }

    @AfterAll
    static void stopInstanceDb() throws Exception {
        if (instanceDb != null) {
            instanceDb.close();
        }
        if (instanceTls != null) {
            TargetTls.deleteAll(instanceTls, "boot");
            Files.deleteIfExists(instanceTls);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        try (Connection c = root(); Statement st = c.createStatement()) {
            st.execute("DROP USER IF EXISTS 'paraverse'@'%'");
        }
        fake = new FakeEc2();
        fake.onLaunch = this::cloudInit;
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        fake.close();
    }

    /** What the instance's cloud-init would do with the user data's bootstrap SQL, run on the local MariaDB. */
    private void cloudInit(FakeEc2.FakeInstance i) {
        Matcher m = BOOTSTRAP_SQL.matcher(i.decodedUserData());
        assertTrue(m.find(), "no bootstrap SQL in the user data:\n" + i.decodedUserData());
        try (Connection c = root(); Statement st = c.createStatement()) {
            FakeEc2.installTls(i.decodedUserData(), TargetTls.certFile(instanceTls, "boot"), TargetTls.keyFile(instanceTls, "boot"), st);
            st.execute("DROP USER IF EXISTS 'paraverse'@'%'"); // a new instance has no such user yet
            for (String sql : m.group(1).split(";\n")) {
                if (!sql.isBlank()) {
                    st.execute(sql.strip().replaceAll(";$", ""));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Ec2Settings settings() {
        return new Ec2Settings().region("us-east-1").endpoint(fake.endpoint())
                .imageId("ami-0123456789abcdef0").instanceTypes(List.of("r6i.large", "r5.large"))
                .subnets(List.of("subnet-aaa")).securityGroups(List.of("sg-111", "sg-222")).keyName("ops-key")
                .iamInstanceProfile("paraverse-target").volumeSizeGib(100).volumeType("gp3")
                .tags(Map.of("team", "dba")).owner("alice").lifetime(Duration.ofDays(2))
                .engine(Ec2Settings.Engine.MARIADB).version("11.4").port(instanceDb.port())
                .runningTimeout(Duration.ofSeconds(10)).readyTimeout(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .pricePerHour(Map.of("r6i.large", 0.252, "r5.large", 0.126)).expectedHours(10.0)
                .throttleBackoff(Duration.ofMillis(50), Duration.ofMillis(200));
    }

    private Ec2Provisioner provisioner(Ec2Settings s) {
        return provisioner(s, Clock.systemUTC());
    }

    private Ec2Provisioner provisioner(Ec2Settings s, Clock clock) {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTTEST", "test-secret-key"));
        return new Ec2Provisioner(tmp.resolve("state"), s, Ec2Clients.create(s, credentials), clock);
    }

    private List<String> logLines() {
        return logs.list.stream().map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()))
                .collect(Collectors.toList());
    }

    private static boolean canLogIn(ProvisionedServer s, String password) {
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), password)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Test
    void launchesATaggedInstanceFromTheSettingsAndReturnsAWorkingServer() throws Exception {
        Instant before = Instant.now();
        ProvisionedServer s;
        try (Ec2Provisioner p = provisioner(settings())) {
            s = p.provision("m1");
            assertEquals("ec2", s.kind());
            assertEquals("127.0.0.1", s.host());
            assertEquals(instanceDb.port(), s.port());
            try (Connection c = s.connect(); ResultSet rs = c.createStatement().executeQuery("SELECT CURRENT_USER()")) {
                rs.next();
                assertEquals("paraverse@%", rs.getString(1));
            }

            List<Map<String, String>> runs = fake.requests("RunInstances");
            assertEquals(1, runs.size());
            Map<String, String> r = runs.get(0);
            assertEquals("ami-0123456789abcdef0", r.get("ImageId"));
            assertEquals("r6i.large", r.get("InstanceType"));
            assertEquals("subnet-aaa", r.get("SubnetId"));
            assertEquals(List.of("sg-111", "sg-222"), FakeEc2.indexed(r, "SecurityGroupId"));
            assertEquals("ops-key", r.get("KeyName"));
            assertEquals("paraverse-target", r.get("IamInstanceProfile.Name"));
            assertEquals("100", r.get("BlockDeviceMapping.1.Ebs.VolumeSize"));
            assertEquals("gp3", r.get("BlockDeviceMapping.1.Ebs.VolumeType"));
            assertEquals("true", r.get("BlockDeviceMapping.1.Ebs.DeleteOnTermination"));
            assertEquals("1", r.get("MinCount"));
            assertEquals("1", r.get("MaxCount"));
            assertEquals("required", r.get("MetadataOptions.HttpTokens"));
            assertNotNull(r.get("ClientToken"));

            FakeEc2.FakeInstance instance = fake.instances.values().iterator().next();
            assertEquals(instance.id, s.details().get("instanceId"));
            assertEquals("m1", instance.tags.get("paraverse:migration"));
            assertEquals("alice", instance.tags.get("paraverse:owner"));
            assertEquals("dba", instance.tags.get("team"));
            assertEquals("paraverse-m1", instance.tags.get("Name"));
            Instant expires = Instant.parse(instance.tags.get("paraverse:expires-at"));
            assertTrue(!expires.isBefore(before.plus(Duration.ofDays(2)).minusSeconds(1))
                    && expires.isBefore(Instant.now().plus(Duration.ofDays(2)).plusSeconds(1)), expires.toString());

            String script = instance.decodedUserData();
            assertTrue(script.startsWith("#!/bin/bash\n"), script);
            assertTrue(script.contains("VERSION=11.4") && script.contains("mariadb_repo_setup"), script);
            assertTrue(script.contains("binlog_format = ROW") && script.contains("binlog_row_image = FULL")
                    && script.contains("log-bin = paraverse-bin") && script.contains("port = " + instanceDb.port()), script);
            assertFalse(script.contains("set -x"), script);
            Matcher m = Pattern.compile("IDENTIFIED BY '([A-Za-z0-9]{32})'").matcher(script);
            assertTrue(m.find(), script);
            String bootstrap = m.group(1);

            // the password in the user data was replaced on first contact: only the returned one works
            assertNotEquals(bootstrap, s.password());
            assertFalse(canLogIn(s, bootstrap), "the bootstrap password from the user data still works");
            assertTrue(canLogIn(s, s.password()));

            // secrets: the state holds a file reference only; the secret file is the owner's alone; no log line has them
            Path stateFile = p.stateStore().stateFile("m1");
            String state = Files.readString(stateFile);
            assertFalse(state.contains(bootstrap) || state.contains(s.password()), state);
            assertTrue(state.contains("\"credentialRef\" : \"file:"), state);
            Path secret = p.stateStore().secretFile("m1");
            assertEquals(s.password(), Files.readString(secret));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
            for (String line : logLines()) {
                assertFalse(line.contains(bootstrap) || line.contains(s.password()) || line.contains(instance.userData),
                        "a log line holds a secret: " + line);
            }
            assertTrue(logLines().stream().anyMatch(l -> l.contains("estimated 0.252 USD/h × 10.0 h = 2.52 USD")), logLines().toString());
            assertFalse(s.toString().contains(s.password()));

            // cost so far and find() without calling EC2
            assertTrue(p.runningCost("m1").orElseThrow().usd() >= 0);
            int calls = fake.requests.size();
            assertEquals(s.details().get("instanceId"), p.find("m1").orElseThrow().details().get("instanceId"));
            assertEquals(calls, fake.requests.size());

            // abort: terminated and forgotten
            p.teardown("m1");
            assertEquals(List.of(instance.id), FakeEc2.indexed(fake.requests("TerminateInstances").get(0), "InstanceId"));
            assertEquals("terminated", instance.state);
            assertFalse(Files.exists(stateFile));
            assertFalse(Files.exists(secret));
        }
    }

    @Test
    void everyConnectionIsTlsPinnedToTheMigrationsOwnCertificate() throws Exception {
        try (Ec2Provisioner p = provisioner(settings())) {
            ProvisionedServer s = p.provision("tls1");
            String script = fake.instances.values().iterator().next().decodedUserData();
            assertTrue(script.contains("REQUIRE SSL;"), script);
            Path scriptFile = tmp.resolve("user-data.sh");
            Files.writeString(scriptFile, script);
            Process syntax = new ProcessBuilder("bash", "-n", scriptFile.toString()).redirectErrorStream(true).start();
            String syntaxOut = new String(syntax.getInputStream().readAllBytes());
            assertEquals(0, syntax.waitFor(), "the user data is not valid bash: " + syntaxOut);
            Path cert = tmp.resolve("state/tls1.tls-cert.pem").toAbsolutePath();
            assertEquals("jdbc:mariadb://127.0.0.1:" + instanceDb.port() + "/?sslMode=verify-ca&serverSslCert=" + cert, s.jdbcUrl());

            // Paraverse's connection is encrypted, with the certificate the user data gave the server
            try (Connection c = s.connect(); ResultSet rs = c.createStatement().executeQuery("SHOW STATUS LIKE 'Ssl_cipher'")) {
                assertTrue(rs.next());
                assertFalse(rs.getString(2).isBlank(), "no TLS cipher on Paraverse's connection");
            }
            assertTrue(script.contains(Files.readString(cert).strip()), "the user data carries the pinned certificate");

            // without TLS the server refuses everyone, Paraverse's user and root alike
            String plain = "jdbc:mariadb://127.0.0.1:" + instanceDb.port() + "/?sslMode=disable";
            SQLException noTls = assertThrows(SQLException.class, () -> DriverManager.getConnection(plain, s.user(), s.password()).close());
            assertFalse(noTls.getMessage().contains(s.password()));
            assertThrows(SQLException.class, () -> DriverManager.getConnection(plain, "root", instanceDb.password()).close());

            // pinned to another certificate (a server with another key, e.g. an impostor): the handshake fails
            Path other = tmp.resolve("other");
            Files.createDirectories(other);
            TargetTls.ensure(other, "impostor");
            String wrongCa = "jdbc:mariadb://127.0.0.1:" + instanceDb.port() + "/?sslMode=verify-ca&serverSslCert="
                    + TargetTls.certFile(other, "impostor");
            SQLException wrong = assertThrows(SQLException.class, () -> DriverManager.getConnection(wrongCa, s.user(), s.password()).close());
            assertFalse(wrong.getMessage().contains(s.password()));

            // key material: the key left this machine with the user data and is deleted here; the certificate file
            // is the owner's; the state and the logs hold neither (the state only the certificate's path)
            assertFalse(Files.exists(tmp.resolve("state/tls1.tls-key.pem")), "the key stays after the instance is ready");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cert)));
            String state = Files.readString(p.stateStore().stateFile("tls1"));
            assertFalse(state.contains("-----BEGIN"), state);
            assertTrue(state.contains("serverSslCert=" + cert), state);
            for (String line : logLines()) {
                assertFalse(line.contains("-----BEGIN") || line.contains("PRIVATE KEY"), "a log line holds key material: " + line);
            }
            java.util.List<String> leftovers;
            try (var files = Files.list(tmp.resolve("state"))) {
                leftovers = files.map(f -> f.getFileName().toString()).filter(n -> n.contains(".tls.")).toList();
            }
            assertEquals(List.of(), leftovers, "openssl's work directory is gone");

            p.teardown("tls1");
            assertFalse(Files.exists(cert), "teardown deletes the certificate");
        }
    }

    @Test
    void aCapacityErrorMovesOnToTheNextInstanceType() {
        fake.typesWithoutCapacity.add("r6i.large");
        try (Ec2Provisioner p = provisioner(settings())) {
            ProvisionedServer s = p.provision("m2");
            List<Map<String, String>> runs = fake.requests("RunInstances");
            assertEquals(List.of("r6i.large", "r5.large"), runs.stream().map(r -> r.get("InstanceType")).toList());
            assertNotEquals(runs.get(0).get("ClientToken"), runs.get(1).get("ClientToken"));
            assertEquals(1, fake.instances.size());
            assertEquals("r5.large", s.details().get("instanceType"));
            assertEquals("0.126", s.details().get("pricePerHour"));
            assertTrue(logLines().stream().anyMatch(l -> l.contains("no EC2 capacity for r6i.large in subnet-aaa")
                    && l.contains("trying r5.large in subnet-aaa")), logLines().toString());
        }
    }

    @Test
    void noCapacityAnywhereFailsClearlyAndLeavesNothing() {
        fake.typesWithoutCapacity.addAll(List.of("r6i.large", "r5.large"));
        try (Ec2Provisioner p = provisioner(settings().subnets(List.of("subnet-aaa", "subnet-bbb")))) {
            ProvisioningException e = assertThrows(ProvisioningException.class, () -> p.provision("m3"));
            assertEquals(4, fake.requests("RunInstances").size());
            assertTrue(e.getMessage().contains("no EC2 capacity for any configured placement")
                    && e.getMessage().contains("r5.large in subnet-bbb: InsufficientInstanceCapacity"), e.getMessage());
            assertTrue(fake.instances.isEmpty());
            assertFalse(Files.exists(p.stateStore().stateFile("m3")));
        }
    }

    @Test
    void throttledCallsAreRetriedWithTheSameClientToken() {
        synchronized (fake.throttleActions) {
            fake.throttleActions.addAll(List.of("RunInstances", "RunInstances", "DescribeInstances"));
        }
        try (Ec2Provisioner p = provisioner(settings())) {
            ProvisionedServer s = p.provision("m4");
            assertTrue(canLogIn(s, s.password()));
            List<Map<String, String>> runs = fake.requests("RunInstances");
            assertEquals(3, runs.size(), "two throttled, then accepted");
            assertEquals(1, runs.stream().map(r -> r.get("ClientToken")).distinct().count());
            assertEquals(1, fake.instances.size());
        }
    }

    @Test
    void anInstanceWhoseDatabaseNeverAnswersIsTerminatedWithAClearError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (Ec2Provisioner p = provisioner(settings().port(closedPort).readyTimeout(Duration.ofSeconds(2)))) {
            ProvisioningException e = assertThrows(ProvisioningException.class, () -> p.provision("m5"));
            FakeEc2.FakeInstance instance = fake.instances.values().iterator().next();
            assertTrue(e.getMessage().contains("the database on EC2 instance " + instance.id)
                    && e.getMessage().contains("did not accept user 'paraverse'")
                    && e.getMessage().contains("security group") && e.getMessage().contains("was terminated"), e.getMessage());
            assertEquals("terminated", instance.state);
            assertEquals(1, fake.requests("TerminateInstances").size());
            assertFalse(Files.exists(p.stateStore().stateFile("m5")));
        }
    }

    @Test
    void keepOnFailureKeepsTheInstanceForDebuggingUntilTeardown() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (Ec2Provisioner p = provisioner(settings().port(closedPort).readyTimeout(Duration.ofSeconds(1)).keepOnFailure(true))) {
            ProvisioningException e = assertThrows(ProvisioningException.class, () -> p.provision("m6"));
            FakeEc2.FakeInstance instance = fake.instances.values().iterator().next();
            assertTrue(e.getMessage().contains("kept for debugging"), e.getMessage());
            assertEquals("running", instance.state);
            assertTrue(fake.requests("TerminateInstances").isEmpty());
            p.teardown("m6");
            assertEquals("terminated", instance.state);
        }
    }

    @Test
    void afterARestartDuringRunInstancesTheInstanceIsFoundByItsTagsNotLaunchedAgain() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        fake.holdRunInstances = hold;
        Ec2Provisioner first = provisioner(settings().maxAttempts(1));
        Thread daemon = new Thread(() -> assertThrows(RuntimeException.class, () -> first.provision("m7")));
        daemon.start();
        assertTrue(fake.runInstancesReceived.await(20, TimeUnit.SECONDS));
        first.close(); // the daemon dies while RunInstances is in flight: it never learns the instance id
        daemon.join(20_000);
        assertFalse(daemon.isAlive());
        fake.holdRunInstances = null;
        hold.countDown();
        assertFalse(Files.readString(tmp.resolve("state/m7.json")).contains("instanceId"));

        try (Ec2Provisioner restarted = provisioner(settings())) {
            ProvisionedServer s = restarted.provision("m7");
            assertEquals(1, fake.requests("RunInstances").size(), "a second instance was launched");
            assertEquals(1, fake.instances.size());
            assertEquals(fake.instances.keySet().iterator().next(), s.details().get("instanceId"));
            assertTrue(canLogIn(s, s.password()));
            // and found by its id after a second restart, with no launch either
            try (Ec2Provisioner again = provisioner(settings())) {
                assertEquals(s.details().get("instanceId"), again.provision("m7").details().get("instanceId"));
            }
            assertEquals(1, fake.requests("RunInstances").size());
        }
    }

    @Test
    void theReaperTerminatesExpiredParaverseInstancesOnly() {
        Instant now = Instant.now();
        String past = now.minus(Duration.ofHours(1)).toString();
        String future = now.plus(Duration.ofHours(1)).toString();
        var expired = fake.add("running", Map.of("paraverse:migration", "a", "paraverse:owner", "alice", "paraverse:expires-at", past));
        var expiredStopped = fake.add("stopped", Map.of("paraverse:migration", "b", "paraverse:owner", "bob", "paraverse:expires-at", past));
        var notYet = fake.add("running", Map.of("paraverse:migration", "c", "paraverse:owner", "alice", "paraverse:expires-at", future));
        var production = fake.add("running", Map.of("paraverse:migration", "d", "paraverse:role", "production"));
        var foreign = fake.add("running", Map.of("paraverse:expires-at", past, "Name", "not ours"));
        var gone = fake.add("terminated", Map.of("paraverse:migration", "e", "paraverse:expires-at", past));
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTTEST", "test-secret-key"));
        try (var client = Ec2Clients.create(settings(), credentials)) {
            Ec2Reaper reaper = new Ec2Reaper(client, Clock.fixed(now, ZoneOffset.UTC));

            List<Ec2Reaper.Candidate> dry = reaper.reap(true, null);
            assertTrue(fake.requests("TerminateInstances").isEmpty(), "dry run terminated something");
            assertEquals(List.of(expired.id, expiredStopped.id),
                    dry.stream().filter(Ec2Reaper.Candidate::expired).map(Ec2Reaper.Candidate::instanceId).toList());
            assertEquals(List.of(expired.id, expiredStopped.id, notYet.id), dry.stream().map(Ec2Reaper.Candidate::instanceId).toList());

            assertEquals(List.of(expired.id), reaper.reap(false, "alice").stream().filter(Ec2Reaper.Candidate::terminated)
                    .map(Ec2Reaper.Candidate::instanceId).toList());
            reaper.reap(false, null);
        }
        assertEquals("terminated", expired.state);
        assertEquals("terminated", expiredStopped.state);
        assertEquals("running", notYet.state);
        assertEquals("running", production.state);
        assertEquals("running", foreign.state);
        assertEquals("terminated", gone.state);
        assertEquals(2, fake.requests("TerminateInstances").size());
    }

    @Test
    void afterTheCutoverTheInstanceIsProductionAndNoLongerReaped() {
        try (Ec2Provisioner p = provisioner(settings())) {
            ProvisionedServer s = p.provision("m8");
            p.cutOver("m8");
            FakeEc2.FakeInstance instance = fake.instances.get(s.details().get("instanceId"));
            assertFalse(instance.tags.containsKey("paraverse:expires-at"));
            assertEquals("production", instance.tags.get("paraverse:role"));
            var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTTEST", "test-secret-key"));
            try (var client = Ec2Clients.create(settings(), credentials)) {
                new Ec2Reaper(client, Clock.fixed(Instant.now().plus(Duration.ofDays(365)), ZoneOffset.UTC)).reap(false, null);
            }
            assertEquals("running", instance.state);
        }
        try (Ec2Provisioner p = provisioner(settings().temporary(true))) {
            ProvisionedServer s = p.provision("m9");
            p.cutOver("m9");
            assertEquals("terminated", fake.instances.get(s.details().get("instanceId")).state);
        }
    }
}
