package io.paraverse.applier;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduler's ordering: batches whose write-sets overlap never commit out of journal order. */
class ApplySchedulerTest {

    /**
     * Random batches over a small key space are dispatched in order while workers finish the heads of their queues
     * in random order; for every key, the batches writing it must finish in dispatch order.
     */
    @RepeatedTest(20)
    void overlappingWriteSetsNeverRunOutOfOrder() {
        Random r = new Random();
        int workers = 1 + r.nextInt(4);
        ApplyScheduler s = new ApplyScheduler(workers, 1 + r.nextInt(3));
        List<Set<Object>> batches = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Set<Object> keys = new TreeSet<>();
            int n = 1 + r.nextInt(3);
            for (int k = 0; k < n; k++) {
                keys.add(r.nextInt(r.nextBoolean() ? 8 : 200)); // some hot keys, many cold ones
            }
            batches.add(keys);
        }
        List<ArrayDeque<Integer>> queues = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            queues.add(new ArrayDeque<>());
        }
        Map<Object, Integer> lastFinished = new HashMap<>();
        Map<Object, Integer> lastDispatched = new HashMap<>();
        int next = 0;
        int finished = 0;
        int parallelMoments = 0;
        while (finished < batches.size()) {
            boolean dispatch = next < batches.size() && r.nextInt(3) > 0;
            if (dispatch) {
                int w = s.assign(batches.get(next));
                if (w != ApplyScheduler.WAIT) {
                    for (Object k : batches.get(next)) {
                        lastDispatched.put(k, next);
                    }
                    queues.get(w).addLast(next++);
                    continue;
                }
            }
            List<Integer> busy = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                if (!queues.get(w).isEmpty()) {
                    busy.add(w);
                }
            }
            if (busy.size() > 1) {
                parallelMoments++;
            }
            if (busy.isEmpty()) {
                assertTrue(next < batches.size());
                continue; // a WAIT with nothing in flight would be a livelock: assign must then succeed
            }
            int w = busy.get(r.nextInt(busy.size()));
            int b = queues.get(w).pollFirst();
            for (Object k : batches.get(b)) {
                Integer before = lastFinished.get(k);
                assertTrue(before == null || before < b, "key " + k + ": batch " + b + " finished after batch " + before);
                lastFinished.put(k, b);
            }
            s.finished(w, batches.get(b));
            finished++;
        }
        assertEquals(0, s.unfinished());
        if (workers > 1) {
            assertTrue(parallelMoments > 0, "batches with disjoint write-sets never ran side by side");
        }
    }

    @Test
    void aHotRowKeepsEveryBatchOnOneWorkerAndDisjointOnesSpread() {
        ApplyScheduler s = new ApplyScheduler(4, 100);
        int first = s.assign(Set.of("hot", 1));
        for (int i = 2; i < 50; i++) {
            assertEquals(first, s.assign(Set.of("hot", i)));
        }
        int other = s.assign(Set.of("cold"));
        assertNotEquals(first, other);
    }

    @Test
    void aBatchSharingKeysWithTwoWorkersWaits() {
        ApplyScheduler s = new ApplyScheduler(2, 10);
        int a = s.assign(Set.of("a"));
        int b = s.assign(Set.of("b"));
        assertNotEquals(a, b);
        assertEquals(ApplyScheduler.WAIT, s.assign(Set.of("a", "b")));
        s.finished(b, Set.of("b"));
        assertEquals(a, s.assign(Set.of("a", "b")));
    }

    @Test
    void stringKeysEqualUnderCaseAccentAndPadInsensitiveCollationsShareAWriteSetKey() {
        assertEquals(WriteSet.fold(List.of("Straße ")), WriteSet.fold(List.of("strasse")));
        assertEquals(WriteSet.fold(List.of(1L, "Élan")), WriteSet.fold(List.of(1L, "elan  ")));
        assertNotEquals(WriteSet.fold(List.of("a")), WriteSet.fold(List.of("b")));
    }
}
