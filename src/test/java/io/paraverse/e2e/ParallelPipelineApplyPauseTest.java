package io.paraverse.e2e;

/**
 * {@link PipelineApplyPauseTest} with 4 parallel apply workers: pausing drains the workers, resuming catches up, and
 * the journal at its budget is freed as the checkpoint row follows the workers' low watermark.
 */
class ParallelPipelineApplyPauseTest extends PipelineApplyPauseTest {
    @Override
    int workers() {
        return 4;
    }
}
