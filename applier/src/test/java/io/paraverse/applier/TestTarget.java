package io.paraverse.applier;

import com.zaxxer.hikari.HikariDataSource;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** One private MariaDB target shared by the tests of this module (never the machine's server on 3306). */
final class TestTarget {
    private static MariaDbServer server;

    private TestTarget() { }

    static synchronized MariaDbServer server() {
        if (server == null) {
            server = MariaDbServer.start(MariaDbOptions.target("applier-test")
                    .option("innodb-flush-log-at-trx-commit", "2")
                    // not UTC, so a session that forgot time_zone='+00:00' would shift TIMESTAMP values
                    .option("default-time-zone", "+03:00"));
        }
        return server;
    }

    static HikariDataSource dataSource(MariaDbServer s) {
        return TargetDataSource.create(s.jdbcUrl(""), s.user(), s.password(), 3);
    }

    /** Drops and creates a database. */
    static void recreate(MariaDbServer s, String db, String... ddl) {
        List<String> all = new ArrayList<>();
        all.add("DROP DATABASE IF EXISTS `" + db + "`");
        all.add("CREATE DATABASE `" + db + "`");
        for (String d : ddl) {
            all.add(d.replace("%db", "`" + db + "`"));
        }
        s.execute(all.toArray(new String[0]));
    }

    /** Rows of a query, each value as the server's text (CAST in the query where exactness matters). */
    static List<List<String>> rows(MariaDbServer s, String sql) {
        try (Connection c = s.connect(""); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<List<String>> out = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static List<String> row(String... values) {
        return java.util.Arrays.asList(values);
    }
}
