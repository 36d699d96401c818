package io.paraverse.applier;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import javax.sql.DataSource;

/**
 * {@link PersistentContextTest} with 4 parallel apply workers: batches whose translation changed id maps or
 * allocators, and lookups, stay serial, so the ids are the same as with one worker, across restarts and replays.
 */
class ParallelPersistentContextTest extends PersistentContextTest {
    static HikariDataSource wide;

    @BeforeAll
    static void widePool() {
        wide = TargetDataSource.create(server.jdbcUrl(""), server.user(), server.password(), 6);
    }

    @AfterAll
    static void closeWide() {
        wide.close();
    }

    @Override
    int workers() {
        return 4;
    }

    @Override
    DataSource pool(DataSource d) {
        return d == ds ? wide : d;
    }
}
