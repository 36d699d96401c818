package io.paraverse.applier;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link SkipTest} with 4 parallel apply workers: the stop before a failing source transaction and the audited
 * skip behave as with one worker (a batch with a skip audit is committed serially, after the workers drained).
 */
class ParallelSkipTest extends SkipTest {
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
    javax.sql.DataSource pool() {
        return wide;
    }
}
