package io.paraverse.daemon.migration.config;

import io.paraverse.cloud.ec2.Ec2Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code target.provisioner: ec2} in a migration file: bound to the provisioner's settings, every problem named. */
class Ec2TargetConfigTest {
    @TempDir
    Path dir;

    private static final String REST = """
            source: {host: 127.0.0.1, user: u, password: env:PW}
            clone: {include: shop}
            upgrade: {sql: up.sql, expected_duration: 2d}
            journal: {dir: /var/lib/j}
            """;

    @Test
    void anEc2TargetBindsToTheProvisionersSettings() {
        MigrationConfig c = MigrationConfigLoader.parse("t.yaml", """
                name: m1
                target:
                  provisioner: ec2
                  ec2:
                    region: eu-west-1
                    image_id: ami-0123456789abcdef0
                    instance_types: [r6i.xlarge, r5.xlarge]
                    subnets: [subnet-a1, subnet-b2]
                    security_groups: [sg-1]
                    key_name: ops
                    iam_instance_profile: paraverse-target
                    volume_size_gib: 200
                    engine: mysql
                    version: "8.4"
                    lifetime: 3d
                    ready_timeout: 30m
                    tags: {team: dba}
                    price_per_hour: {r6i.xlarge: 0.252}
                    keep_on_failure: true
                """ + REST, dir);
        assertEquals(MigrationConfig.Target.Kind.EC2, c.target().kind());
        Ec2Settings s = c.target().ec2().settings(72.0);
        assertEquals(List.of(), s.problems());
        assertEquals("eu-west-1", s.region());
        assertEquals(List.of("r6i.xlarge", "r5.xlarge"), s.instanceTypes());
        assertEquals(List.of("subnet-a1", "subnet-b2"), s.subnets());
        assertEquals(Ec2Settings.Engine.MYSQL, s.engine());
        assertEquals("8.4", s.version());
        assertEquals(200, s.volumeSizeGib());
        assertEquals(Duration.ofDays(3), s.lifetime());
        assertEquals(Duration.ofMinutes(30), s.readyTimeout());
        assertEquals(Map.of("team", "dba"), s.tags());
        assertEquals(0.252, s.pricePerHour().get("r6i.xlarge"));
        assertEquals(72.0, s.expectedHours());
        assertTrue(s.keepOnFailure());
    }

    @Test
    void problemsOfAnEc2TargetAreNamedByKey() {
        List<String> p = assertThrows(MigrationConfigException.class, () -> MigrationConfigLoader.parse("t.yaml", """
                name: m1
                target:
                  provisioner: ec2
                  host: db.example
                  ec2:
                    instance_types: [r6i.large]
                    subnets: [net-1]
                    version: eleven
                    temporary: true
                    tags: {"paraverse:owner": me}
                cutover: {switch: proxy, proxy: {listen: ":3307"}}
                """ + REST, dir)).problems();
        assertHas(p, "target.host: not for provisioner ec2");
        assertHas(p, "target.ec2.image_id: give exactly one of image_id (an AMI) and launch_template");
        assertHas(p, "target.ec2.subnets: a subnet id looks like subnet-");
        assertHas(p, "target.ec2.version: major.minor");
        assertHas(p, "target.ec2.tags: 'paraverse:owner' is reserved");
        assertHas(p, "target.ec2.temporary: a temporary instance is terminated after the cutover");

        List<String> q = assertThrows(MigrationConfigException.class, () -> MigrationConfigLoader.parse("t.yaml", """
                name: m1
                target: {provisioner: local, ec2: {region: x}}
                """ + REST, dir)).problems();
        assertHas(q, "target.ec2: only for provisioner ec2");
        List<String> r = assertThrows(MigrationConfigException.class, () -> MigrationConfigLoader.parse("t.yaml", """
                name: m1
                target: {provisioner: ec2}
                """ + REST, dir)).problems();
        assertHas(r, "target.ec2: required for provisioner ec2");
    }

    private static void assertHas(List<String> problems, String text) {
        assertTrue(problems.stream().anyMatch(p -> p.contains(text)), "no problem containing '" + text + "' in:\n  "
                + String.join("\n  ", problems));
    }
}
