package io.paraverse.daemon.api;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paraverse.daemon.migration.MigrationStatus;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.service.DaemonService;
import io.paraverse.daemon.service.MigrationRunner;

import java.util.HashSet;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The daemon's Prometheus metrics (Micrometer), labelled by migration: lag, events captured and applied, rates,
 * journal bytes against the budget, copied rows, verification mismatches, the last cutover's write-unavailable time, errors by translator,
 * and the phase as a 0/1 gauge per phase. Meters are registered
 * for each migration the first time a scrape sees it; values are read live at scrape time.
 */
public final class DaemonMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DaemonService daemon;
    private final Set<String> registered = new HashSet<>();

    public DaemonMetrics(DaemonService daemon) {
        this.daemon = daemon;
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
    }

    /** The Prometheus text exposition of every metric now. */
    public synchronized String scrape() {
        for (MigrationRunner r : daemon.runners()) {
            if (registered.add(r.name())) {
                register(r);
            }
            registerTranslatorErrors(r);
        }
        return registry.scrape();
    }

    private final java.util.Set<String> translatorMeters = new java.util.HashSet<>();

    /** Errors by translator: a counter per (migration, translator) pair, registered when the first error is seen. */
    private void registerTranslatorErrors(MigrationRunner r) {
        for (String translator : r.migration().translatorErrors().keySet()) {
            if (translatorMeters.add(r.name() + "\u0000" + translator)) {
                FunctionCounter.builder("paraverse_translator_errors", r, x -> x.migration().translatorErrors().getOrDefault(translator, 0L))
                        .description("times a translator's row stopped the migration (each is a FAILED with its key and position)")
                        .tags(Tags.of("migration", r.name(), "translator", translator)).register(registry);
            }
        }
    }

    private void register(MigrationRunner r) {
        Tags tags = Tags.of("migration", r.name());
        gauge("paraverse_lag_seconds", "age of the last applied source transaction while behind (0 caught up, -1 unknown)", tags, r,
                s -> s.transactionsBehind() < 0 ? -1 : Math.max(0, s.lagSeconds()));
        gauge("paraverse_transactions_behind", "source transactions not yet applied to the clone (-1 unknown)", tags, r,
                s -> s.transactionsBehind());
        gauge("paraverse_capture_rows_per_second", "row changes captured per second", tags, r, MigrationStatus::captureRowsPerSecond);
        gauge("paraverse_apply_rows_per_second", "row changes applied per second", tags, r, MigrationStatus::applyRowsPerSecond);
        gauge("paraverse_journal_bytes", "bytes held in the journal", tags, r, s -> s.journalBytes());
        gauge("paraverse_journal_budget_bytes", "the journal's disk budget (0 none)", tags, r,
                s -> s.journalBudgetBytes() == null ? 0 : s.journalBudgetBytes());
        FunctionCounter.builder("paraverse_events_captured", r, x -> x.status().rowsCaptured())
                .description("row changes captured by the running pipeline (restarts at 0 with it)").tags(tags).register(registry);
        FunctionCounter.builder("paraverse_events_applied", r, x -> x.status().rowsApplied())
                .description("row changes applied by the running pipeline (restarts at 0 with it)").tags(tags).register(registry);
        Gauge.builder("paraverse_copy_rows", r, x -> x.migration().copyProgress().stream().mapToLong(t -> t.rowsCopied()).sum())
                .description("rows copied by the clone so far").tags(tags).register(registry);
        Gauge.builder("paraverse_verification_mismatches", r, x -> x.migration().lastVerification() == null ? 0
                        : x.migration().lastVerification().mismatches())
                .description("persistent differences the last verification found").tags(tags).register(registry);
        Gauge.builder("paraverse_cutover_write_unavailable_seconds", r, x -> {
                    var c = x.migration().lastCutover();
                    return c == null || c.writeUnavailableMillis() == null ? 0 : c.writeUnavailableMillis() / 1000.0;
                })
                .description("writes held or refused during the last cutover (fence to release)").tags(tags).register(registry);
        for (Phase p : Phase.values()) {
            Gauge.builder("paraverse_phase", r, x -> x.state().phase() == p ? 1 : 0)
                    .description("1 for the migration's current phase").tags(tags.and("phase", p.name())).register(registry);
        }
    }

    private void gauge(String name, String help, Tags tags, MigrationRunner r, ToDoubleFunction<MigrationStatus> value) {
        Gauge.builder(name, r, x -> value.applyAsDouble(x.status())).description(help).tags(tags).register(registry);
    }

    /** The registry, for components that record their own meters (verification, cutover). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
