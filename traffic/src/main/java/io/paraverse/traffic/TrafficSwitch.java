package io.paraverse.traffic;

import java.time.Duration;

/**
 * Moves the application's database traffic from production to the clone at cutover (docs/CUTOVER.md). The cutover
 * calls, in order: {@link #check} (before anything is blocked), {@link #fence}, then either {@link #switchTo} the
 * clone and {@link #release}, or, on any failure or timeout before the switch, {@link #switchTo} production (when a
 * switch may have partly happened) and {@link #release}. Every method is safe to call again after a failure.
 */
public interface TrafficSwitch extends AutoCloseable {
    /** A short name for logs and status ("proxy", "haproxy", "proxysql", "hook"). */
    String name();

    /** Checks that the switch is reachable and configured, without changing anything. */
    void check() throws TrafficSwitchException;

    /**
     * Stops new client work from reaching production; waits up to {@code timeout} for transactions already running
     * to finish. A switch that cannot fence returns at once with {@code drained=false, holdsClients=false}; the
     * cutover then fences with read_only on production.
     */
    FenceResult fence(Duration timeout) throws TrafficSwitchException, InterruptedException;

    /** Routes clients to {@code target} from now on. */
    void switchTo(Endpoint target) throws TrafficSwitchException;

    /** Lets held clients continue, to wherever the switch points now. */
    void release() throws TrafficSwitchException;

    @Override
    default void close() throws Exception { }
}
