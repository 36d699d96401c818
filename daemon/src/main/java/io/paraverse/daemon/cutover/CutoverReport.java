package io.paraverse.daemon.cutover;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a cutover (or its dry run) did: the outcome and why, each precondition, each step with its duration, and the
 * time production's writes were held or refused ({@code writeUnavailableMillis}: fence to release).
 */
public record CutoverReport(Outcome outcome, String reason, Instant at, List<Check> preconditions, List<Step> steps,
                            Long writeUnavailableMillis, List<String> plan) {
    /**
     * SWITCH_PENDING: production was fenced and drained (the clone holds everything) but the switch failed; the
     * migration stays CUTTING_OVER, production stays fenced, and asking for the cutover again retries the switch.
     */
    public enum Outcome { DRY_RUN_PASSED, REFUSED, CUT_OVER, ROLLED_BACK, SWITCH_PENDING }

    /** A precondition: passed or not, with the figure it was judged on. */
    public record Check(String name, boolean passed, String detail) { }

    /** One step of the sequence: how long it took and what it found. */
    public record Step(String name, long millis, String detail) { }

    public boolean succeeded() {
        return outcome == Outcome.DRY_RUN_PASSED || outcome == Outcome.CUT_OVER;
    }

    /** Collects the report while the cutover runs. */
    public static final class Builder {
        final List<Check> checks = new ArrayList<>();
        final List<Step> steps = new ArrayList<>();
        public final List<String> plan = new ArrayList<>();
        public Long window;

        public void check(String name, boolean passed, String detail) {
            checks.add(new Check(name, passed, detail));
        }

        public boolean allPassed() {
            return checks.stream().allMatch(Check::passed);
        }

        public String failedChecks() {
            return String.join("; ", checks.stream().filter(c -> !c.passed()).map(c -> c.name() + ": " + c.detail()).toList());
        }

        public long step(String name, long startNanos, String detail) {
            long now = System.nanoTime();
            steps.add(new Step(name, (now - startNanos) / 1_000_000, detail));
            return now;
        }

        public CutoverReport build(Outcome outcome, String reason) {
            return new CutoverReport(outcome, reason, Instant.now(), List.copyOf(checks), List.copyOf(steps), window, List.copyOf(plan));
        }
    }
}
