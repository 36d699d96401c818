package io.paraverse.daemon.pipeline;

import io.paraverse.journal.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the journal within its disk budget: a warning at 80%; at 100% capture is paused (the source still has the
 * changes in its binlogs, and the warning says for how much longer: its retention minus the age of the last
 * journaled transaction); below 70% — apply has freed segments — capture resumes from the journal's last commit.
 */
final class JournalBudget implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JournalBudget.class);
    private final PipelineConfig config;
    private final Journal journal;
    private final Runnable pause;
    private final Runnable resume;
    private final ScheduledExecutorService timer;
    private volatile boolean holding;
    private boolean warned;

    JournalBudget(PipelineConfig config, Journal journal, Runnable pause, Runnable resume) {
        this.config = config;
        this.journal = journal;
        this.pause = pause;
        this.resume = resume;
        if (config.journalBudgetBytes() <= 0) {
            timer = null;
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "journal-budget-" + config.name());
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
    }

    boolean holding() {
        return holding;
    }

    private void check() {
        try {
            long size = journal.sizeBytes();
            long limit = config.journalBudgetBytes();
            if (!holding && size >= limit) {
                holding = true;
                pause.run();
                log.error("journal of {} is at {} KiB, its budget is {} KiB: capture PAUSED until apply frees space; {}", config.name(),
                        size / 1024, limit / 1024, retentionLeft());
            } else if (!holding && !warned && size >= limit * 8 / 10) {
                warned = true;
                log.warn("journal of {} is at {}% of its {} KiB budget; capture pauses at 100% ({})", config.name(), size * 100 / limit,
                        limit / 1024, retentionLeft());
            } else if (holding && size < limit * 7 / 10) {
                holding = false;
                warned = false;
                resume.run();
                log.warn("journal of {} is back to {} KiB: capture resumed", config.name(), size / 1024);
            }
        } catch (RuntimeException e) {
            log.error("journal budget check of {} failed: {}", config.name(), e.toString());
        }
    }

    /** How long the source keeps the binlogs capture still needs, as far as its settings tell. */
    private String retentionLeft() {
        Endpoint s = config.source();
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(""), s.user(), s.password()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@binlog_expire_logs_seconds")) {
            rs.next();
            long retention = rs.getLong(1);
            if (retention <= 0) {
                return "the source purges no binlogs automatically";
            }
            long age = journal.lastCommit().map(cm -> (System.currentTimeMillis() - cm.commitTimeMillis()) / 1000).orElse(0L);
            return "the source keeps binlogs for " + retention + " s; about " + Math.max(0, retention - age)
                    + " s are left before changes not yet journaled are purged";
        } catch (Exception e) {
            return "binlog retention on the source unknown (" + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
