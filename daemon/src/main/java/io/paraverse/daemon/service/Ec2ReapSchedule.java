package io.paraverse.daemon.service;

import io.paraverse.cloud.ec2.Ec2Clients;
import io.paraverse.cloud.ec2.Ec2Reaper;
import io.paraverse.cloud.ec2.Ec2Settings;
import io.paraverse.daemon.migration.config.Durations;
import io.paraverse.daemon.migration.config.MigrationConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Runs the {@link Ec2Reaper} every {@value #PROPERTY} (system property; default 1h, {@code off} disables) once a
 * migration of this daemon uses an ec2 target: expired Paraverse instances of the same owner (the migration's
 * {@code target.ec2.owner}) in the same region/endpoint are terminated, except those of migrations this daemon hosts
 * and has not aborted (their expiry only moves forward when they provision; a cut-over one is production). Errors are logged and the next round tries again.
 */
final class Ec2ReapSchedule implements AutoCloseable {
    static final String PROPERTY = "paraverse.ec2.reap-every";
    private static final Logger log = LoggerFactory.getLogger(Ec2ReapSchedule.class);

    private final Supplier<List<MigrationRunner>> runners;
    private final Duration every;
    private ScheduledExecutorService timer;

    Ec2ReapSchedule(Supplier<List<MigrationRunner>> runners) {
        this.runners = runners;
        this.every = interval(System.getProperty(PROPERTY));
    }

    /** null: off. */
    static Duration interval(String value) {
        if (value == null || value.isBlank()) {
            return Duration.ofHours(1);
        }
        if (value.strip().toLowerCase(Locale.ROOT).equals("off")) {
            return null;
        }
        try {
            Duration d = Durations.parse(value.strip());
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException("not positive");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system property " + PROPERTY + "='" + value + "': a positive duration"
                    + " like 30m or 1h, or off (no periodic EC2 reaper)", e);
        }
    }

    /** Starts the schedule the first time a migration with an ec2 target starts (unless off). */
    synchronized void migrationStarted(MigrationConfig c) {
        if (every == null || timer != null || c.target().kind() != MigrationConfig.Target.Kind.EC2) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ec2-reaper");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::reapOnce, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        log.info("EC2 reaper: every {} (system property {}; off disables)", Durations.format(every), PROPERTY);
    }

    /** One round: per (region, endpoint, owner) of this daemon's ec2 migrations. */
    void reapOnce() {
        List<MigrationRunner> all = runners.get();
        // an aborted migration's instance is gone already; every other one hosted here is spared (a cut-over one still
        // tagged to expire is production whose tags could not be updated)
        Set<String> live = all.stream().filter(r -> r.state().phase() != io.paraverse.daemon.migration.state.Phase.ABORTED)
                .map(MigrationRunner::name).collect(Collectors.toSet());
        Map<String, Ec2Settings> accounts = new LinkedHashMap<>();
        for (MigrationRunner r : all) {
            MigrationConfig c = r.migration().config();
            if (c.target().kind() == MigrationConfig.Target.Kind.EC2) {
                Ec2Settings s = c.target().ec2().settings(null);
                accounts.putIfAbsent(s.region() + "|" + s.endpoint() + "|" + s.owner(), s);
            }
        }
        for (Ec2Settings s : accounts.values()) {
            String where = (s.region() == null ? "default region" : s.region()) + ", owner " + s.owner();
            try (Ec2Client ec2 = Ec2Clients.create(s)) {
                long terminated = new Ec2Reaper(ec2, Clock.systemUTC()).reap(false, s.owner(), live::contains).stream()
                        .filter(Ec2Reaper.Candidate::terminated).count();
                log.debug("EC2 reaper ({}): {} expired instance(s) terminated", where, terminated);
            } catch (RuntimeException e) {
                log.warn("EC2 reaper ({}): {}; trying again in {}", where, e.getMessage(), Durations.format(every));
            }
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
