package io.paraverse.applier;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The tables behind the persistent translation context, one set of rows per pipeline:
 * {@code <schema>.id_map(pipeline, map_name, source_key, target_id)} and
 * {@code <schema>.id_allocator(pipeline, name, next_value)}. Source keys are stored as their UTF-8 bytes
 * (VARBINARY) so they compare exactly like Java strings (no collation folds case or trailing spaces).
 */
final class IdMapStore {
    /** Longest source key stored (UTF-8 bytes). */
    static final int MAX_KEY_BYTES = 1024;
    private static final int ROWS_PER_STATEMENT = 500;

    private final String schema;
    private final String pipeline;
    private final String idMap;
    private final String allocator;
    private volatile boolean ensured;

    IdMapStore(String schema, String pipeline) {
        this.schema = schema;
        this.pipeline = pipeline;
        this.idMap = Sql.quote(schema) + ".`id_map`";
        this.allocator = Sql.quote(schema) + ".`id_allocator`";
    }

    /** Creates the tables if absent (DDL: run outside an apply transaction), once per store. */
    void ensureOnce(Connection c) throws SQLException {
        if (ensured) {
            return;
        }
        Sql.ddl(c, "CREATE DATABASE IF NOT EXISTS " + Sql.quote(schema),
                "CREATE TABLE IF NOT EXISTS " + idMap + " ("
                        + " pipeline VARCHAR(191) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                        + " map_name VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
                        + " source_key VARBINARY(" + MAX_KEY_BYTES + ") NOT NULL COMMENT 'UTF-8',"
                        + " target_id BIGINT NOT NULL,"
                        + " PRIMARY KEY (pipeline, map_name, source_key)"
                        + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='Paraverse applier: translators'' id maps'",
                "CREATE TABLE IF NOT EXISTS " + allocator + " ("
                        + " pipeline VARCHAR(191) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                        + " name VARCHAR(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
                        + " next_value BIGINT NOT NULL,"
                        + " PRIMARY KEY (pipeline, name)"
                        + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='Paraverse applier: translators'' id sequences'");
        ensured = true;
    }

    static byte[] keyBytes(String sourceKey) {
        byte[] b = sourceKey.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("id map source key of " + b.length + " bytes is longer than "
                    + MAX_KEY_BYTES + ": '" + sourceKey.substring(0, 40) + "...'");
        }
        return b;
    }

    /** Every mapping of one map (loaded once per run: lookups are then memory only). */
    Map<String, Long> loadMap(Connection c, String name) throws SQLException {
        Map<String, Long> m = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT source_key, target_id FROM " + idMap
                + " WHERE pipeline = ? AND map_name = ?")) {
            ps.setString(1, pipeline);
            ps.setString(2, name);
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    m.put(new String(rs.getBytes(1), StandardCharsets.UTF_8), rs.getLong(2));
                }
            }
        }
        return m;
    }

    /** The stored next value of an allocator, if it was used before. */
    OptionalLong loadAllocator(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT next_value FROM " + allocator
                + " WHERE pipeline = ? AND name = ?")) {
            ps.setString(1, pipeline);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /** One above the largest value of {@code schema.table.column} on the target (1 if the table is empty). */
    static long seed(Connection c, String qualifiedTable, String column) throws SQLException {
        int dot = qualifiedTable.indexOf('.');
        String sql = "SELECT MAX(" + Sql.quote(column) + ") FROM " + Sql.quote(qualifiedTable.substring(0, dot)) + "."
                + Sql.quote(qualifiedTable.substring(dot + 1));
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            long max = rs.getLong(1);
            return rs.wasNull() ? 1 : max + 1;
        }
    }

    record Mapping(String map, String key, Long targetId) { } // targetId null: removed

    /** Writes mappings (upserted, or deleted when the id is null) and allocator values in the open transaction. */
    void write(TargetSession s, List<Mapping> mappings, Map<String, Long> allocators) throws SQLException {
        int i = 0;
        while (i < mappings.size()) {
            boolean remove = mappings.get(i).targetId() == null;
            int end = i;
            while (end < mappings.size() && end - i < ROWS_PER_STATEMENT && (mappings.get(end).targetId() == null) == remove) {
                end++;
            }
            int rows = end - i;
            PreparedStatement ps = s.prepare(remove
                    ? "DELETE FROM " + idMap + " WHERE (pipeline, map_name, source_key) IN (" + repeat("(?,?,?)", rows) + ")"
                    : "INSERT INTO " + idMap + " (pipeline, map_name, source_key, target_id) VALUES " + repeat("(?,?,?,?)", rows)
                    + " ON DUPLICATE KEY UPDATE target_id = VALUES(target_id)");
            int p = 1;
            for (int r = i; r < end; r++) {
                Mapping m = mappings.get(r);
                ps.setString(p++, pipeline);
                ps.setString(p++, m.map());
                ps.setBytes(p++, keyBytes(m.key()));
                if (!remove) {
                    ps.setLong(p++, m.targetId());
                }
            }
            ps.executeUpdate();
            i = end;
        }
        for (Map.Entry<String, Long> a : allocators.entrySet()) {
            PreparedStatement ps = s.prepare("INSERT INTO " + allocator + " (pipeline, name, next_value) VALUES (?,?,?)"
                    + " ON DUPLICATE KEY UPDATE next_value = VALUES(next_value)");
            ps.setString(1, pipeline);
            ps.setString(2, a.getKey());
            ps.setLong(3, a.getValue());
            ps.executeUpdate();
        }
    }

    private static String repeat(String row, int n) {
        StringBuilder sb = new StringBuilder(n * (row.length() + 1));
        for (int i = 0; i < n; i++) {
            sb.append(i > 0 ? "," : "").append(row);
        }
        return sb.toString();
    }
}
