package io.paraverse.applier;

import java.util.Collection;
import java.util.HashMap;

/**
 * Assigns batches to parallel apply workers by write-set ({@link WriteSet}), so that batches sharing a key are
 * applied in journal order. Every key that an unfinished batch writes is owned by that batch's worker; a new batch
 * that shares keys with one worker's unfinished batches goes to that worker (whose queue runs and commits in order,
 * after them); a batch sharing keys with two or more workers waits until only one is left; a batch sharing nothing
 * goes to the least busy worker. Each worker holds at most {@code maxQueued} unfinished batches.
 * <p>Invariant: for every key, the batches writing it commit in journal (dispatch) order. Coordinator thread only.
 */
final class ApplyScheduler {
    static final int WAIT = -1;

    private final int workers;
    private final int maxQueued;
    /** Key → {owning worker, unfinished batches writing it}. */
    private final HashMap<Object, int[]> owners = new HashMap<>();
    private final int[] queued;

    ApplyScheduler(int workers, int maxQueued) {
        if (workers < 1 || maxQueued < 1) {
            throw new IllegalArgumentException("workers and maxQueued must be >= 1");
        }
        this.workers = workers;
        this.maxQueued = maxQueued;
        this.queued = new int[workers];
    }

    /**
     * The worker to run a batch writing {@code keys} (its keys are now owned by it), or {@link #WAIT} if it cannot
     * be placed until some unfinished batch finishes.
     */
    int assign(Collection<Object> keys) {
        int owner = WAIT;
        for (Object k : keys) {
            int[] o = owners.get(k);
            if (o != null) {
                if (owner == WAIT) {
                    owner = o[0];
                } else if (owner != o[0]) {
                    return WAIT; // conflicts with two workers: running it on either could overtake the other
                }
            }
        }
        if (owner == WAIT) {
            for (int w = 0; w < workers; w++) {
                if (owner == WAIT || queued[w] < queued[owner]) {
                    owner = w;
                }
            }
        }
        if (queued[owner] >= maxQueued) {
            return WAIT;
        }
        queued[owner]++;
        for (Object k : keys) {
            int[] o = owners.get(k);
            if (o == null) {
                owners.put(k, new int[] {owner, 1});
            } else {
                o[1]++;
            }
        }
        return owner;
    }

    /** A batch assigned to {@code worker} with these keys committed (or was abandoned). */
    void finished(int worker, Collection<Object> keys) {
        queued[worker]--;
        for (Object k : keys) {
            int[] o = owners.get(k);
            if (o != null && --o[1] == 0) {
                owners.remove(k);
            }
        }
    }

    /** Unfinished batches. */
    int unfinished() {
        int n = 0;
        for (int q : queued) {
            n += q;
        }
        return n;
    }
}
