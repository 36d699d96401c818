package io.paraverse.daemon.verify;

import io.paraverse.daemon.pipeline.Endpoint;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;

/** The production tables a migration covers: its include list ("db" or "db.table") expanded to base tables. */
public final class SourceTableList {
    private SourceTableList() { }

    /** The base tables production has for the include list, in name order. */
    public static List<String> of(Endpoint source, List<String> include) throws SQLException {
        if (include.isEmpty()) {
            throw new IllegalArgumentException("the migration includes no schemas (clone.include): nothing to verify");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        try (Connection c = DriverManager.getConnection(source.jdbcUrl(""), source.user(), source.password());
             PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                     + " AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
            for (String i : include) {
                int dot = i.indexOf('.');
                if (dot > 0) {
                    out.add(i);
                    continue;
                }
                ps.setString(1, i);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(i + "." + rs.getString(1));
                    }
                }
            }
        }
        return List.copyOf(out);
    }
}
