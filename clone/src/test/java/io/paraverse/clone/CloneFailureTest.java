package io.paraverse.clone;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.paraverse.clone.SnapshotCloneTest.endpoint;
import static org.junit.jupiter.api.Assertions.*;

/** Failures of the environment during a snapshot clone: clear errors naming the table and what to do. */
class CloneFailureTest {

    /** A target whose shared tablespace cannot grow past 32 MiB: the copy hits "table is full" (1114). */
    @Test
    void fullTargetNamesTheTableAndSaysToFreeSpaceAndRerun() throws Exception {
        List<MariaDbServer> servers = MariaDbServer.startAll(MariaDbOptions.source("full-src"), MariaDbOptions.target("full-tgt")
                .option("innodb_file_per_table", "0").option("innodb_data_file_path", "ibdata1:12M:autoextend:max:32M"));
        try (MariaDbServer source = servers.get(0); MariaDbServer target = servers.get(1)) {
            source.execute("CREATE DATABASE full", "CREATE TABLE full.big (id INT PRIMARY KEY, c VARCHAR(1000))",
                    "INSERT INTO full.big SELECT seq, REPEAT(CHAR(65 + seq % 26), 1000) FROM mysql.seq_1_to_40000");
            CloneException e = assertThrows(CloneException.class, () -> SnapshotClone.run(endpoint(source), endpoint(target),
                    SnapshotClone.Options.of("full").withChunkRows(1_000)));
            assertTrue(e.getMessage().contains("ran out of space writing table full.big")
                    && e.getMessage().contains("is full")
                    && e.getMessage().contains("rerun the clone with overwrite"), e.getMessage());
        }
    }

    /** The source dies in the middle of a table: the error names it and says the clone must be rerun. */
    @Test
    void sourceKilledMidCopyNamesTheTableAndSaysToRerun() throws Exception {
        List<MariaDbServer> servers = MariaDbServer.startAll(MariaDbOptions.source("kill-src"), MariaDbOptions.target("kill-tgt"));
        try (MariaDbServer source = servers.get(0); MariaDbServer target = servers.get(1)) {
            source.execute("CREATE DATABASE gone", "CREATE TABLE gone.big (id INT PRIMARY KEY, c VARCHAR(200))",
                    "INSERT INTO gone.big SELECT seq, REPEAT('x', 200) FROM mysql.seq_1_to_100000");
            AtomicBoolean killed = new AtomicBoolean();
            CloneException e = assertThrows(CloneException.class, () -> SnapshotClone.run(endpoint(source), endpoint(target),
                    SnapshotClone.Options.of("gone").withChunkRows(1_000).withProgress((t, n, est) -> {
                        if (n >= 5_000 && killed.compareAndSet(false, true)) {
                            source.kill(); // SIGKILL, while the reader is between chunks of gone.big
                        }
                    })));
            assertTrue(killed.get(), "the source was killed during the copy");
            assertTrue(e.getMessage().contains("reading gone.big from the source")
                    && e.getMessage().contains("rerun the clone (with overwrite)"), e.getMessage());
        }
    }
}
