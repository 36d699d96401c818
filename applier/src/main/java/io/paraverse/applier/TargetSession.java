package io.paraverse.applier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The applier's connection to the target: session settings applied, autocommit off, a small LRU cache of prepared
 * statements by SQL text, and the statement size budget from {@code max_allowed_packet}. Apply thread only.
 */
final class TargetSession implements AutoCloseable {
    private static final int STATEMENT_CACHE = 48;
    /** No statement is made bigger than this even if max_allowed_packet allows: bigger is not faster. */
    private static final int MAX_STATEMENT_BYTES = 16 << 20;

    final Connection connection;
    final long openedNanos = System.nanoTime();
    private final int statementBytes;
    private final long maxAllowedPacket;
    private final LinkedHashMap<String, PreparedStatement> statements = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() > STATEMENT_CACHE) {
                closeQuietly(eldest.getValue());
                return true;
            }
            return false;
        }
    };

    private TargetSession(Connection connection, int statementBytes, long maxAllowedPacket) {
        this.connection = connection;
        this.statementBytes = statementBytes;
        this.maxAllowedPacket = maxAllowedPacket;
    }

    static TargetSession open(DataSource ds, String sqlMode) throws SQLException {
        Connection c = ds.getConnection();
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            long packet;
            try (Statement st = c.createStatement()) {
                st.execute(TargetDataSource.sessionSql(sqlMode));
                try (ResultSet rs = st.executeQuery("SELECT @@max_allowed_packet")) {
                    rs.next();
                    packet = rs.getLong(1);
                }
            }
            c.setAutoCommit(false);
            int budget = (int) Math.max(64 << 10, Math.min(MAX_STATEMENT_BYTES, packet - (16 << 10)));
            return new TargetSession(c, budget, packet);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /** Largest statement (estimated bytes) the applier builds on this session. */
    int statementBytes() { return statementBytes; }

    /** The target's max_allowed_packet: no single statement can be larger. */
    long maxAllowedPacket() { return maxAllowedPacket; }

    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    void commit() throws SQLException {
        connection.commit();
    }

    void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException | RuntimeException e) {
            // the connection is broken: closing it discards the transaction
        }
    }

    @Override
    public void close() {
        for (Iterator<PreparedStatement> it = statements.values().iterator(); it.hasNext(); ) {
            closeQuietly(it.next());
            it.remove();
        }
        rollbackQuietly();
        closeQuietly(connection);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing to do
        }
    }
}
