package io.paraverse.cloud.ec2;

import io.paraverse.cloud.ProvisionedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Against real AWS, opt-in only: {@code -Dparaverse.live.aws=true} or {@code PARAVERSE_LIVE_AWS=1}, with credentials
 * in the SDK's default chain and where to launch in PARAVERSE_LIVE_AWS_REGION, _AMI, _SUBNET, _SG (and optionally
 * _TYPES, default t3.small; _PROFILE). It launches one instance (costs a few cents), checks that the database answers
 * with the binlog in ROW format, and terminates it. cloud/README-ec2.md has the details.
 */
class Ec2LiveTest {
    @TempDir
    Path tmp;

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v;
    }

    @Test
    void launchesARealInstanceAndTerminatesIt() throws Exception {
        boolean enabled = Boolean.getBoolean("paraverse.live.aws") || "1".equals(System.getenv("PARAVERSE_LIVE_AWS"));
        assumeTrue(enabled, "live AWS test skipped: set -Dparaverse.live.aws=true or PARAVERSE_LIVE_AWS=1 (it launches a"
                + " real EC2 instance; see cloud/README-ec2.md)");
        List<String> missing = Arrays.stream(new String[] {"PARAVERSE_LIVE_AWS_REGION", "PARAVERSE_LIVE_AWS_AMI",
                "PARAVERSE_LIVE_AWS_SUBNET", "PARAVERSE_LIVE_AWS_SG"}).filter(n -> env(n) == null).toList();
        assumeTrue(missing.isEmpty(), "live AWS test skipped: " + String.join(", ", missing) + " not set");

        Ec2Settings s = new Ec2Settings().region(env("PARAVERSE_LIVE_AWS_REGION")).imageId(env("PARAVERSE_LIVE_AWS_AMI"))
                .instanceTypes(List.of((env("PARAVERSE_LIVE_AWS_TYPES") == null ? "t3.small" : env("PARAVERSE_LIVE_AWS_TYPES")).split(",")))
                .subnets(List.of(env("PARAVERSE_LIVE_AWS_SUBNET"))).securityGroups(List.of(env("PARAVERSE_LIVE_AWS_SG")))
                .iamInstanceProfile(env("PARAVERSE_LIVE_AWS_PROFILE"))
                .address(env("PARAVERSE_LIVE_AWS_PUBLIC") != null ? Ec2Settings.AddressKind.PUBLIC : Ec2Settings.AddressKind.PRIVATE)
                .owner("paraverse-live-test").lifetime(Duration.ofHours(2)).readyTimeout(Duration.ofMinutes(20));
        String id = "live-" + System.currentTimeMillis();
        try (Ec2Provisioner p = new Ec2Provisioner(tmp, s)) {
            try {
                ProvisionedServer server = p.provision(id);
                try (Connection c = server.connect(); ResultSet rs = c.createStatement().executeQuery("SELECT @@binlog_format")) {
                    rs.next();
                    assertEquals("ROW", rs.getString(1));
                }
            } finally {
                p.teardown(id);
            }
        }
    }
}
