package io.paraverse.daemon.upgrade;

import io.paraverse.clone.CloneEndpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs one SQL file on the clone: statement by statement on one connection (session variables and temporary tables
 * carry over, as with the mysql client), logging each statement's first line. Stops at the first error, reported as
 * {@code file:line: server message}. At the deadline the running statement is cancelled (KILL QUERY).
 */
final class SqlFileStep {
    private static final int SHOWN_CHARS = 160;

    private final UpgradeSpec.SqlFile step;
    private final CloneEndpoint clone;
    private final UpgradeLog log;

    SqlFileStep(UpgradeSpec.SqlFile step, CloneEndpoint clone, UpgradeLog log) {
        this.step = step;
        this.clone = clone;
        this.log = log;
    }

    void run(long deadlineNanos, Duration timeout) throws StepFailure {
        String name = step.path().getFileName().toString();
        List<SqlStatement> statements;
        try {
            statements = SqlScriptSplitter.split(Files.readString(step.path(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StepFailure(UpgradeFailedException.Kind.ERROR, "cannot read " + step.path() + ": " + e, null, e);
        } catch (SqlScriptSplitter.UnterminatedException e) {
            throw new StepFailure(UpgradeFailedException.Kind.ERROR, name + ":" + e.line() + ": " + e.getMessage(), null, e);
        } catch (IllegalArgumentException e) {
            throw new StepFailure(UpgradeFailedException.Kind.ERROR, name + ": " + e.getMessage(), null, e);
        }
        log.line("-- " + name + ": " + statements.size() + " statements");
        String url = clone.jdbcUrl(step.database());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "upgrade-sql-timeout");
            t.setDaemon(true);
            return t;
        });
        try (Connection c = DriverManager.getConnection(url, clone.user(), clone.password() == null ? "" : clone.password());
             Statement st = c.createStatement()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw timedOut(timeout, name, statements.isEmpty() ? 0 : statements.get(0).line());
            }
            // cancel() is thread-safe in the driver: it kills the running query from a second connection
            timer.schedule(() -> {
                try {
                    st.cancel();
                } catch (SQLException | RuntimeException e) {
                    // the statement may have just finished; the deadline check below still stops the step
                }
            }, left, TimeUnit.NANOSECONDS);
            for (SqlStatement s : statements) {
                if (System.nanoTime() - deadlineNanos >= 0) {
                    throw timedOut(timeout, name, s.line());
                }
                log.line("sql " + name + ":" + s.line() + "> " + s.firstLine(SHOWN_CHARS));
                try {
                    execute(st, s.sql());
                } catch (SQLException e) {
                    if (System.nanoTime() - deadlineNanos >= 0) {
                        throw timedOut(timeout, name, s.line());
                    }
                    throw new StepFailure(UpgradeFailedException.Kind.SQL_ERROR,
                            name + ":" + s.line() + ": " + serverMessage(e), null, e);
                }
            }
        } catch (SQLException e) {
            throw new StepFailure(UpgradeFailedException.Kind.ERROR,
                    "cannot connect to the clone " + clone + ": " + serverMessage(e), null, e);
        } finally {
            timer.shutdownNow();
        }
    }

    private static StepFailure timedOut(Duration timeout, String name, int line) {
        return new StepFailure(UpgradeFailedException.Kind.TIMEOUT,
                "timed out after " + timeout + " at " + name + ":" + line, null, null);
    }

    /** Runs one statement and reads every result it returns (a CALL may return several), so the next one can run. */
    private static void execute(Statement st, String sql) throws SQLException {
        boolean isResultSet = st.execute(sql);
        while (true) {
            if (isResultSet) {
                try (ResultSet rs = st.getResultSet()) {
                    while (rs.next()) {
                        // results of SELECTs in an upgrade script are not needed
                    }
                }
            } else if (st.getUpdateCount() == -1) {
                return;
            }
            isResultSet = st.getMoreResults();
        }
    }

    /** The driver prefixes "(conn=123) "; the operator wants the server's words. */
    static String serverMessage(SQLException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.replaceFirst("^\\(conn=\\d+\\)\\s*", "");
    }
}
