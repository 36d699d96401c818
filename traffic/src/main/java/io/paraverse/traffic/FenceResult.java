package io.paraverse.traffic;

import java.time.Duration;

/**
 * What fencing production achieved.
 *
 * @param drained        true when no client transaction is still running against production
 * @param inFlight       client transactions still open when fencing returned (0 when drained)
 * @param waited         how long fencing waited for in-flight transactions to finish
 * @param holdsClients   whether this switch holds new work (clients wait) rather than refusing it
 */
public record FenceResult(boolean drained, int inFlight, Duration waited, boolean holdsClients) { }
