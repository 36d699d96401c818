package io.paraverse.traffic.proxysql;

import java.sql.SQLException;
import java.util.List;

/**
 * A session on ProxySQL's admin interface: the seam between {@link ProxySqlSwitch}, which decides what to send, and
 * the wire ({@link JdbcAdminConnection}). ProxySQL's admin is SQLite behind the MySQL protocol plus its own
 * commands ({@code LOAD MYSQL SERVERS TO RUNTIME}...), so statements go as plain text, one at a time.
 */
public interface AdminConnection extends AutoCloseable {
    /** Runs a statement that returns rows; every value as text, SQL NULL as null. */
    List<List<String>> query(String sql) throws SQLException;

    /** Runs a statement or admin command that returns no rows. */
    void execute(String sql) throws SQLException;

    @Override
    void close() throws SQLException;

    /** Opens admin sessions. */
    @FunctionalInterface
    interface Connector {
        AdminConnection open() throws SQLException;
    }
}
