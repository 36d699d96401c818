package io.paraverse.clone;

import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.cloud.local.SourceAndTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.paraverse.clone.SnapshotCloneTest.checksum;
import static io.paraverse.clone.SnapshotCloneTest.endpoint;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One table per family of types, at their extremes, through the snapshot copy path: the target must equal the
 * source by CHECKSUM TABLE and value by value (HEX of every column, timestamps read at UTC). Values written with an
 * empty sql_mode and a non-UTC time zone, as a lax production server would hold them.
 */
class TypeMatrixTest {
    private static SourceAndTarget servers;

    /** table → DDL (without the CREATE TABLE name) and the INSERTs. */
    private static final Map<String, List<String>> TABLES = new LinkedHashMap<>();

    static {
        TABLES.put("ints", List.of("(id INT PRIMARY KEY, ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,"
                        + " mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED, z INT ZEROFILL)",
                "(1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0, 0)",
                "(2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615, 42)",
                "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"));
        TABLES.put("nums", List.of("(id INT PRIMARY KEY, dec65 DECIMAL(65,30), dec5 DECIMAL(5,2), decu DECIMAL(10,0) UNSIGNED,"
                        + " f FLOAT, d DOUBLE, f52 FLOAT(5,2))",
                "(1, -99999999999999999999999999999999999.999999999999999999999999999999, -999.99, 0, -3.4028235E38, -1.7976931348623157E308, -999.99)",
                "(2, 99999999999999999999999999999999999.999999999999999999999999999999, 999.99, 9999999999, 3.4028235E38, 1.7976931348623157E308, 999.99)",
                "(3, 0.000000000000000000000000000001, 0.01, 1, 1.17549435E-38, 4.9E-324, 0.5)",
                "(4, 0.1, -0.01, NULL, 0.1, 0.1, NULL)",
                "(5, NULL, NULL, NULL, -0.0, 2.2250738585072014E-308, NULL)"));
        TABLES.put("bits", List.of("(id INT PRIMARY KEY, b1 BIT(1), b8 BIT(8), b63 BIT(63), b64 BIT(64))",
                "(1, b'0', b'0', b'0', b'0')",
                "(2, b'1', b'11111111', b'111111111111111111111111111111111111111111111111111111111111111',"
                        + " b'1111111111111111111111111111111111111111111111111111111111111111')",
                "(3, NULL, b'10000001', b'1', b'1000000000000000000000000000000000000000000000000000000000000000')"));
        TABLES.put("temporal", List.of("(id INT PRIMARY KEY, dt DATE, dtm DATETIME, dtm6 DATETIME(6), ts TIMESTAMP NULL DEFAULT NULL,"
                        + " ts6 TIMESTAMP(6) NULL DEFAULT NULL, tm TIME, tm6 TIME(6), yr YEAR)",
                "(1, '1000-01-01', '1000-01-01 00:00:00', '1000-01-01 00:00:00.000001', '1970-01-01 05:30:01', '1970-01-01 05:30:01.000001',"
                        + " '-838:59:59', '-838:59:59.000000', 1901)",
                "(2, '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', '2038-01-19 08:44:07', '2038-01-19 08:44:07.999999',"
                        + " '838:59:59', '838:59:59.000000', 2155)",
                "(3, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00', '0000-00-00 00:00:00.000000',"
                        + " '00:00:00', '-00:00:00.000001', 0)",
                "(4, '2024-02-29', '2024-03-31 02:30:00', '2024-10-27 02:30:00.5', '2024-03-31 02:30:00', '2024-10-27 02:30:00.123456',"
                        + " '-01:02:03', '-12:34:56.789012', 2000)",
                "(5, '2000-00-00', '2000-01-00 00:00:00', NULL, NULL, NULL, NULL, NULL, NULL)"));
        TABLES.put("strs", List.of("(id INT PRIMARY KEY, ch CHAR(10) CHARACTER SET utf8mb4, vc VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,"
                        + " tx TEXT CHARACTER SET utf8mb4, l1 VARCHAR(50) CHARACTER SET latin1, l1t TEXT CHARACTER SET latin1,"
                        + " a CHAR(5) CHARACTER SET ascii, u2 VARCHAR(20) CHARACTER SET ucs2)",
                "(1, '', '', '', '', '', '', '')",
                "(2, 'ä€😀', 'Grüße 🎉 — 漢字 \\\\ '' \" \\t\\n\\r', REPEAT('😀x', 5000), 'café', CONCAT('é', CHAR(0x81 USING latin1), 'ÿ'),"
                        + " 'abc', 'ĀĞ')",
                "(3, 'trail  ', 'trail  ', 'trail  ', 'trail  ', ' lead', ' ', 'x ')",
                "(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
                "(5, 'x', CONCAT('nul', CHAR(0), 'byte'), CHAR(0), CHAR(0 USING latin1), CHAR(0xFF USING latin1), CHAR(0x7F), 'z')"));
        TABLES.put("bins", List.of("(id INT PRIMARY KEY, bn BINARY(8), vb VARBINARY(300), bl BLOB, mb MEDIUMBLOB, tb TINYBLOB)",
                "(1, 0x01, X'', X'', X'', X'')",
                "(2, 0x00FF00FF00FF00FF, 0x0001FF00, REPEAT(0xDEADBEEF00, 500), 0x00, 0xFF)",
                "(3, NULL, NULL, NULL, NULL, NULL)",
                "(4, 'ab', 'trail00\\0\\0', 'x', 'y', 'z')"));
        TABLES.put("misc", List.of("(id INT PRIMARY KEY, en ENUM('small','medium','large',''), st SET('a','b','c','d'), js JSON,"
                        + " en2 ENUM('x','y') NOT NULL, u UUID, ip6 INET6, ip4 INET4)",
                "(1, 'small', '', '{}', 'x', '00000000-0000-0000-0000-000000000000', '::', '0.0.0.0')",
                "(2, 'large', 'a,b,c,d', '{\"k\": [1, 2.5, \"x\", null, true], \"u\": \"\\\\u00e9😀\", \"big\": 18446744073709551615}', 'y',"
                        + " 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '255.255.255.255')",
                "(3, '', 'd,a', '[]', 'x', NULL, NULL, NULL)",
                "(4, NULL, NULL, NULL, 'x', NULL, '::ffff:1.2.3.4', NULL)"));
        TABLES.put("geo", List.of("(id INT PRIMARY KEY, g GEOMETRY, p POINT, ls LINESTRING, pg POLYGON, gc GEOMETRYCOLLECTION, mp MULTIPOINT)",
                "(1, ST_GeomFromText('POINT(1.5 -2.25)'), ST_GeomFromText('POINT(0 0)'), ST_GeomFromText('LINESTRING(0 0, 1 1, 2 -1e10)'),"
                        + " ST_GeomFromText('POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 3 2, 3 3, 2 2))'),"
                        + " ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1), LINESTRING(0 0, 1 1))'), ST_GeomFromText('MULTIPOINT(1 1, 2 2)'))",
                "(2, ST_GeomFromText('POINT(1 2)', 4326), ST_GeomFromText('POINT(-180 90)', 4326), NULL, NULL, NULL, NULL)",
                "(3, NULL, NULL, NULL, NULL, NULL, NULL)"));
        TABLES.put("gen", List.of("(id INT PRIMARY KEY, a INT, b VARCHAR(20), v INT AS (a * 2) VIRTUAL,"
                        + " s VARCHAR(40) AS (CONCAT(b, '!', a)) STORED, c INT, vj JSON AS (JSON_OBJECT('a', a)) VIRTUAL, KEY (s))",
                "(1, 1, 'x', DEFAULT, DEFAULT, 7, DEFAULT)",
                "(2, NULL, NULL, DEFAULT, DEFAULT, NULL, DEFAULT)",
                "(3, -2147483648, '😀', DEFAULT, DEFAULT, 0, DEFAULT)"));
    }

    @BeforeAll
    static void servers() {
        servers = SourceAndTarget.start("types");
    }

    @AfterAll
    static void stop() {
        if (servers != null) servers.close();
    }

    private static boolean prepared;

    private static synchronized void prepareSource() throws Exception {
        if (prepared) {
            return;
        }
        prepared = true;
        MariaDbServer source = servers.source();
        source.execute("CREATE DATABASE tm CHARACTER SET utf8mb4");
        try (Connection c = source.connect("tm"); Statement st = c.createStatement()) {
            st.execute("SET SESSION sql_mode = ''");
            st.execute("SET SESSION time_zone = '+05:30'");
            for (Map.Entry<String, List<String>> t : TABLES.entrySet()) {
                st.execute("CREATE TABLE " + t.getKey() + " " + t.getValue().get(0));
                for (String values : t.getValue().subList(1, t.getValue().size())) {
                    st.execute("INSERT INTO " + t.getKey() + " VALUES " + values);
                }
            }
            // every byte value in a blob and a varbinary
            st.execute("INSERT INTO bins (id, vb, bl) SELECT 10, b, b FROM (SELECT UNHEX(GROUP_CONCAT(LPAD(HEX(seq), 2, '0')"
                    + " ORDER BY seq SEPARATOR '')) AS b FROM mysql.seq_0_to_255) x");
        }
    }

    @Test
    void everyTypeFamilyCopiesExactly() throws Exception {
        prepareSource();
        MariaDbServer source = servers.source();
        MariaDbServer target = servers.target();
        CloneResult r = SnapshotClone.run(endpoint(source), endpoint(target), SnapshotClone.Options.of("tm").withChunkRows(2));
        assertSameRows(source, target, r.rowsCopied());
    }

    @Test
    void everyTypeFamilyCopiesExactlyThroughTheChunkedCopy() throws Exception {
        prepareSource();
        MariaDbServer source = servers.source();
        try (MariaDbServer target = MariaDbServer.start(io.paraverse.cloud.local.MariaDbOptions.target("types-chunked"))) {
            SchemaCopier.Result schema;
            CopyCheckpointStore store = new CopyCheckpointStore("types");
            try (Connection s = source.connect(""); Connection t = target.connect("")) {
                schema = SchemaCopier.copy(s, t, SchemaCopier.Options.of("tm"));
                store.createTables(t);
                store.register(t, schema.tables());
            }
            java.util.Map<TableRef, Long> rows = new ChunkedCopy(endpoint(source), endpoint(target), store,
                    ChunkedCopy.Options.defaults().withChunkRows(2)).run();
            assertSameRows(source, target, rows);
        }
    }

    private static void assertSameRows(MariaDbServer source, MariaDbServer target, java.util.Map<TableRef, Long> copied) throws Exception {
        for (String t : TABLES.keySet()) {
            String table = "tm." + t;
            assertEquals(SchemaCopierTest.showCreate(source, table), SchemaCopierTest.showCreate(target, table), table);
            List<String> expected = dumpHex(source, t);
            List<String> actual = dumpHex(target, t);
            assertFalse(expected.isEmpty(), table);
            assertEquals(expected.size(), copied.get(new TableRef("tm", t)), table);
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i), i < actual.size() ? actual.get(i) : "(missing)", table + " row " + i);
            }
            assertEquals(expected.size(), actual.size(), table);
            assertEquals(checksum(source, table), checksum(target, table), table);
        }
    }

    /** Each row as "col=HEX(value)/value|..." read at UTC, so a difference of one byte or one microsecond shows. */
    private static List<String> dumpHex(MariaDbServer s, String table) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = s.connect("tm"); Statement st = c.createStatement()) {
            st.execute("SET time_zone = '+00:00'");
            Map<String, String> cols = new LinkedHashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='tm'"
                    + " AND TABLE_NAME='" + table + "' ORDER BY ORDINAL_POSITION")) {
                while (rs.next()) {
                    cols.put(rs.getString(1), rs.getString(2));
                }
            }
            StringBuilder q = new StringBuilder("SELECT CONCAT_WS('|'");
            for (Map.Entry<String, String> col : cols.entrySet()) {
                String q1 = "`" + col.getKey() + "`";
                String text = java.util.Set.of("geometry", "point", "linestring", "polygon", "geometrycollection", "multipoint").contains(col.getValue()) ? "ST_AsText(" + q1 + ")" : "CAST(" + q1 + " AS CHAR CHARACTER SET utf8mb4)";
                q.append(", CONCAT('").append(col.getKey()).append("=', IFNULL(HEX(").append(q1).append("), 'NULL'), '/', IFNULL(")
                        .append(text).append(", 'NULL'))");
            }
            q.append(") FROM ").append(table).append(" ORDER BY id");
            try (ResultSet rs = st.executeQuery(q.toString())) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return rows;
    }
}
