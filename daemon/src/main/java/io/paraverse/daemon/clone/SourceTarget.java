package io.paraverse.daemon.clone;

import io.paraverse.clone.CloneEndpoint;
import io.paraverse.daemon.pipeline.Endpoint;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Small helpers shared by the clone methods: endpoint conversion and the source's current GTID position. */
final class SourceTarget {
    private SourceTarget() { }

    static CloneEndpoint cloneEndpoint(Endpoint e) {
        return new CloneEndpoint(e.host(), e.port(), e.user(), e.password(), e.urlOptions());
    }

    static Connection connect(Endpoint e) throws SQLException {
        return DriverManager.getConnection(e.jdbcUrl(""), e.user(), e.password());
    }

    /** The source's {@code @@gtid_binlog_pos}: every transaction committed so far. */
    static String currentGtid(Endpoint source) throws SQLException {
        return io.paraverse.daemon.pipeline.GtidPosition.current(source);
    }
}
