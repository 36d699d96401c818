package io.paraverse.daemon.cutover;

import io.paraverse.daemon.pipeline.RecentKeys;

import java.time.Duration;
import java.util.List;

/** The cutover's last look: are these recently changed source rows, translated, equal to the clone's? */
@FunctionalInterface
public interface RecentKeyVerifier {
    /**
     * The outcome. {@code clean}: every key proven equal. {@code differences}: some key differs persistently (a row
     * production kept changing while it was read is unsettled: neither). The summary names table, key and columns.
     */
    record Outcome(boolean clean, boolean differences, int keysChecked, String summary) { }

    Outcome verify(List<RecentKeys.Key> keys, Duration budget) throws Exception;
}
