package io.paraverse.e2e;

/**
 * {@link KillNineConvergenceTest} with 4 parallel apply workers: the pipeline child is SIGKILLed while workers
 * commit out of order; after the last restart the target equals the source (no loss, no duplicate), including the
 * orders table, whose secondary UNIQUE key makes its transactions keep journal order.
 */
class ParallelKillNineConvergenceTest extends KillNineConvergenceTest {
    @Override
    int workers() {
        return 4;
    }
}
