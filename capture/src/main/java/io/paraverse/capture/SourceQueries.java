package io.paraverse.capture;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The capture's JDBC queries to the source: the start-up checks and position, and what the binlog does not carry
 * (collations, the precision of old-format temporal columns).
 */
final class SourceQueries {
    private final CaptureConfig config;

    private boolean mariaDb = true;
    private Collations collations = Collations.builtIn();

    SourceQueries(CaptureConfig config) {
        this.config = config;
    }

    /** Whether the source is MariaDB (known after {@link #inspect}). */
    boolean mariaDb() {
        return mariaDb;
    }

    /** The source's collations (loaded by {@link #inspect}). */
    Collations collations() {
        return collations;
    }

    /**
     * Checks that the source can be captured, loads its collations and returns the GTID position to start from:
     * {@code requested}, or the source's current {@code @@gtid_binlog_pos} when that is null.
     */
    String inspect(String requested) {
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
             Statement st = c.createStatement()) {
            String version;
            long serverId;
            try (ResultSet rs = st.executeQuery("SELECT VERSION(), @@server_id")) {
                rs.next();
                version = rs.getString(1);
                serverId = rs.getLong(2);
            }
            mariaDb = version != null && version.toLowerCase(Locale.ROOT).contains("mariadb");
            if (!mariaDb) {
                throw new CaptureException("the source " + config.address() + " runs MySQL " + version
                        + "; BinlogCapture reads MariaDB GTID positions and supports MariaDB sources only");
            }
            if (serverId == config.serverId()) {
                throw new CaptureException("the capture's server id " + config.serverId()
                        + " equals the source's @@server_id: choose another capture server id");
            }
            collations = Collations.load(c);
            if (requested != null) {
                return requested.trim();
            }
            try (ResultSet rs = st.executeQuery("SELECT @@gtid_binlog_pos")) {
                rs.next();
                String pos = rs.getString(1);
                return pos == null ? "" : pos.trim();
            }
        } catch (SQLException e) {
            throw new CaptureException("cannot query the source " + config.address() + " as user " + config.user()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Old-format TIME/DATETIME/TIMESTAMP columns are decodable only without fractional seconds (their binlog entry
     * does not carry the precision, which changes their size): ask the source for the precision.
     */
    void refuseFractionalOldTemporals(TableMapping m, List<String> columns) {
        List<String> fractional = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
             PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, DATETIME_PRECISION FROM"
                     + " information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, m.schema);
            ps.setString(2, m.table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (columns.contains(rs.getString(1)) && rs.getInt(2) > 0) {
                        fractional.add(rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new CaptureException("cannot read the column precision of " + m.schema + "." + m.table + " from "
                    + config.address() + ": " + e.getMessage(), e);
        }
        if (!fractional.isEmpty()) {
            throw new CaptureException("columns " + fractional + " of " + m.schema + "." + m.table + " use the"
                    + " pre-10.1 MariaDB temporal format with fractional seconds, which the binlog cannot describe:"
                    + " convert them with ALTER TABLE `" + m.schema + "`.`" + m.table + "` FORCE (with"
                    + " mysql56_temporal_format=ON)");
        }
    }
}
