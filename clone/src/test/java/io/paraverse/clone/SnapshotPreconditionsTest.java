package io.paraverse.clone;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Checks made before anything is created or locked; no server needed. */
class SnapshotPreconditionsTest {
    private static final CloneEndpoint SRC = new CloneEndpoint("db.example", 3307, "clone", "pw");

    @Test
    void consistentSnapshotIsRefusedOnMySqlNamingTheLockingOption() {
        assertEquals(ServerFlavour.MARIADB, ServerFlavour.of("10.11.19-MariaDB-0+deb12u1"));
        assertEquals(ServerFlavour.MYSQL, ServerFlavour.of("8.0.36"));
        CloneException e = assertThrows(CloneException.class,
                () -> SnapshotOpener.checkMethod(ServerFlavour.MYSQL, "8.0.36", SnapshotMethod.CONSISTENT_SNAPSHOT, SRC));
        assertTrue(e.getMessage().contains("MySQL 8.0.36") && e.getMessage().contains("clone@db.example:3307")
                && e.getMessage().contains("withSnapshotMethod(SnapshotMethod.GLOBAL_READ_LOCK)"), e.getMessage());
        SnapshotOpener.checkMethod(ServerFlavour.MYSQL, "8.0.36", SnapshotMethod.GLOBAL_READ_LOCK, SRC);
        SnapshotOpener.checkMethod(ServerFlavour.MARIADB, "10.11", SnapshotMethod.CONSISTENT_SNAPSHOT, SRC);
    }

    @Test
    void grantsParsingCoversGlobalSchemaPatternTableAndColumnGrants() {
        List<SourceGrants.Need> needs = SourceGrants.needs(ServerFlavour.MARIADB, SnapshotMethod.GLOBAL_READ_LOCK,
                List.of("shop", "crm.accounts"));
        List<String> grants = List.of(
                "GRANT RELOAD ON *.* TO `c`@`%`",
                "GRANT SELECT, SHOW VIEW ON `sho%`.* TO `c`@`%`",
                "GRANT TRIGGER, EVENT ON `shop`.* TO `c`@`%`",
                "GRANT SELECT (id, name), TRIGGER ON `crm`.`accounts` TO `c`@`%`",
                "GRANT `reader` TO `c`@`%`");
        List<String> missing = SourceGrants.missing(grants, needs).stream().map(n -> n.privilege() + " " + n.on()).toList();
        assertEquals(List.of("SELECT `crm`.`accounts`", "SELECT `mysql`.`proc`", "BINLOG MONITOR *.*"), missing);
        assertEquals("GRANT SELECT ON `crm`.`accounts` TO 'c'@'%'; GRANT SELECT ON `mysql`.`proc` TO 'c'@'%';",
                SourceGrants.grantStatements(SourceGrants.missing(grants, needs).subList(0, 2), "'c'@'%'"));
        assertEquals(List.of(), SourceGrants.missing(List.of("GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"), needs));
        assertEquals(List.of(), SourceGrants.missing(List.of("GRANT SELECT, RELOAD, REPLICATION CLIENT, SHOW VIEW, TRIGGER, EVENT ON *.* TO 'c'@'%'"),
                SourceGrants.needs(ServerFlavour.MARIADB, SnapshotMethod.GLOBAL_READ_LOCK, List.of("shop"))));
        assertFalse(SourceGrants.schemaMatches("sh\\_%", "shXp"));
        assertTrue(SourceGrants.schemaMatches("sh_p", "shop"));
    }
}
