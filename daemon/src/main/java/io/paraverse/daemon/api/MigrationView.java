package io.paraverse.daemon.api;

import io.paraverse.daemon.migration.MigrationStatus;
import io.paraverse.daemon.migration.state.MigrationState;
import io.paraverse.daemon.service.MigrationRunner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shape of a migration in the API (documented in openapi.yaml): what an operator needs to decide and act.
 * Built from the persisted state and the live pipeline figures; holds no secret (configs are not echoed).
 */
final class MigrationView {
    private MigrationView() { }

    static Map<String, Object> summary(MigrationRunner r) {
        MigrationState s = r.state();
        MigrationStatus st = r.status();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("phase", s.phase());
        m.put("phaseSince", s.phaseSince());
        m.put("lagSeconds", st.transactionsBehind() < 0 ? null : Math.max(0, st.lagSeconds()));
        m.put("transactionsBehind", st.transactionsBehind() < 0 ? null : st.transactionsBehind());
        m.put("failure", s.failure());
        return m;
    }

    static Map<String, Object> detail(MigrationRunner r) {
        MigrationState s = r.state();
        MigrationStatus st = r.status();
        Map<String, Object> m = summary(r);
        m.put("interrupted", s.interrupted());
        m.put("clonePoint", s.clonePointGtid());
        m.put("upgradeAttempts", s.upgradeAttempts());
        m.put("acknowledgedDdl", s.acknowledgedDdl());
        List<Map<String, Object>> timeline = new ArrayList<>();
        for (MigrationState.Transition t : s.history()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("from", t.from());
            e.put("to", t.to());
            e.put("at", t.at());
            e.put("reason", t.reason());
            timeline.add(e);
        }
        m.put("timeline", timeline);
        Map<String, Object> rates = new LinkedHashMap<>();
        rates.put("captureRowsPerSecond", st.captureRowsPerSecond());
        rates.put("applyRowsPerSecond", st.applyRowsPerSecond());
        m.put("rates", rates);
        m.put("etaSeconds", st.eta() == null ? null : st.eta().toSeconds());
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("rowsCaptured", st.rowsCaptured());
        counts.put("rowsApplied", st.rowsApplied());
        m.put("events", counts);
        Map<String, Object> journal = new LinkedHashMap<>();
        journal.put("bytes", st.journalBytes());
        journal.put("budgetBytes", st.journalBudgetBytes());
        journal.put("captureHeldByBudget", st.captureHeldByBudget());
        m.put("journal", journal);
        List<Map<String, Object>> copy = new ArrayList<>();
        for (var t : r.migration().copyProgress()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("table", t.table().toString());
            e.put("rowsCopied", t.rowsCopied());
            e.put("estimatedRows", t.estimatedRows());
            e.put("rowsPerSecond", t.rowsPerSecond());
            e.put("etaSeconds", t.eta() == null ? null : t.eta().toSeconds());
            copy.add(e);
        }
        m.put("copy", copy);
        Map<String, Object> error = null;
        if (s.failure() != null) {
            error = new LinkedHashMap<>();
            error.put("message", s.failure());
            error.put("phase", s.interrupted());
            error.put("at", s.phaseSince());
        }
        m.put("lastError", error);
        var v = r.migration().lastVerification();
        Map<String, Object> verification = null;
        if (v != null) {
            verification = new LinkedHashMap<>();
            verification.put("at", v.at());
            verification.put("mode", v.mode());
            verification.put("clean", v.clean());
            verification.put("mismatches", v.mismatches());
            verification.put("unsettled", v.unsettled());
            verification.put("summary", v.summary());
        }
        m.put("lastVerification", verification);
        var cut = r.migration().lastCutover();
        m.put("lastCutover", cut == null ? null : Map.of("outcome", cut.outcome(), "reason", cut.reason(), "at", cut.at()));
        m.put("status", st.phase() == null ? null : st.line());
        return m;
    }
}
