package io.paraverse.daemon.cutover;

import io.paraverse.daemon.pipeline.RecentKeys;

import java.time.Duration;
import java.util.List;

/** The cutover's last look: are these recently changed source rows, translated, equal to the clone's? */
@FunctionalInterface
public interface RecentKeyVerifier {
    /** The outcome: clean or not, and a summary naming differing table/key/columns. */
    record Outcome(boolean clean, int keysChecked, String summary) { }

    Outcome verify(List<RecentKeys.Key> keys, Duration budget) throws Exception;
}
