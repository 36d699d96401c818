package io.paraverse.daemon.pipeline;

/** Progress of a pipeline at one instant. */
public record PipelineStatus(long rowsCaptured, long transactionsCaptured, long rowsApplied, long transactionsApplied,
                             long captureSecondsBehind, String appliedGtidPosition, long journalBytes, Throwable failure) {
}
