package io.paraverse.clone;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** MariaDB or MySQL, from {@code SELECT VERSION()}: they differ in how a snapshot's binlog position is read. */
enum ServerFlavour {
    MARIADB, MYSQL;

    static ServerFlavour of(String version) {
        return version != null && version.contains("MariaDB") ? MARIADB : MYSQL;
    }

    static String version(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
