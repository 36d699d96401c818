package io.paraverse.daemon.verify;

import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.GtidPosition;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Applier progress as the clone records it: the migration's row in {@code <schema>.apply_checkpoint}, committed with
 * the rows it covers, polled until its GTID position covers the one asked for. Works whether the daemon runs (it
 * advances) or not (it does not, and the wait times out).
 */
public final class CheckpointApplyProgress implements ApplyProgress {
    private final Endpoint target;
    private final String schema;
    private final String pipeline;

    public CheckpointApplyProgress(Endpoint target, String checkpointSchema, String pipeline) {
        this.target = target;
        this.schema = checkpointSchema;
        this.pipeline = pipeline;
    }

    @Override
    public boolean awaitApplied(GtidPosition position, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection c = DriverManager.getConnection(target.jdbcUrl(""), target.user(), target.password());
             PreparedStatement ps = c.prepareStatement("SELECT gtid_position FROM " + Sql.quote(schema)
                     + ".`apply_checkpoint` WHERE pipeline = ?")) {
            ps.setString(1, pipeline);
            while (true) {
                String applied = null;
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        applied = rs.getString(1);
                    }
                } catch (SQLException e) {
                    if (e.getErrorCode() != 1146 && e.getErrorCode() != 1049) { // no checkpoint yet: nothing applied
                        throw e;
                    }
                }
                if (applied != null && GtidPosition.parse(applied).covers(position)) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(100);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the applier's checkpoint of " + pipeline + " on the clone " + target
                    + ": " + e.getMessage(), e);
        }
    }
}
