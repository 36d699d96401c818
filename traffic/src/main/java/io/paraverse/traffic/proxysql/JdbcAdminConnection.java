package io.paraverse.traffic.proxysql;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** An admin session over MariaDB Connector/J, text protocol only (the admin interface has no prepared statements). */
public final class JdbcAdminConnection implements AdminConnection {
    private final Connection connection;

    private JdbcAdminConnection(Connection connection) {
        this.connection = connection;
    }

    /** The connector for a switch's configuration; the password is asked from its supplier at each connection. */
    public static Connector connector(ProxySqlSwitchConfig config) {
        return () -> {
            Properties props = new Properties();
            props.setProperty("user", config.user());
            String password = config.password().get();
            if (password != null) {
                props.setProperty("password", password);
            }
            return new JdbcAdminConnection(DriverManager.getConnection(config.jdbcUrl(), props));
        };
    }

    @Override
    public List<List<String>> query(String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    @Override
    public void execute(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
