/**
 * The applier: replays the journal through a translator onto the target MariaDB, exactly once.
 *
 * <pre>{@code
 * HikariDataSource target = TargetDataSource.create(jdbcUrl, user, password, 2); // 1 apply + 1 status connection
 * Applier applier = new Applier(target, translator, context, ApplierOptions.defaults("main"));
 * applier.onCommit(cp -> journal.releaseUpTo(cp.journalSeq()));           // retention behind the checkpoint
 * applier.run(journal::readAfter, () -> !shuttingDown);                    // opens the journal after the checkpoint
 * // or: applier.run(journal.readAfter(applier.checkpoint().journalSeq()), keepRunning);
 * // drain for cutover: applier.run(journal::readAfter, () -> applier.stats().lastAppliedSeq() < finalSeq);
 * }</pre>
 *
 * <p>{@link io.paraverse.applier.Applier} holds the loop, exactly-once checkpointing and retries;
 * {@code BatchWriter} the net-effect compaction and the multi-row statements; the checkpoint lives in
 * {@code <checkpointSchema>.apply_checkpoint} on the target. Errors surface as
 * {@link io.paraverse.applier.ApplyException}; progress as {@link io.paraverse.applier.ApplierStats}.
 */
package io.paraverse.applier;
