package io.paraverse.e2e;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.Pipeline;
import io.paraverse.daemon.pipeline.PipelineConfig;
import io.paraverse.daemon.verify.TableComparison;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Every common MariaDB type survives capture → journal → apply exactly, compared column by column in hex. */
class TypeFidelityTest {
    static final String TABLE_DDL = "CREATE TABLE types.matrix ("
            + " id INT NOT NULL PRIMARY KEY,"
            + " ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,"
            + " i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,"
            + " dec65 DECIMAL(65,30), dec5 DECIMAL(5,2), f FLOAT, d DOUBLE,"
            + " dt DATE, tm TIME, tm6 TIME(6), dtm DATETIME, dtm6 DATETIME(6), ts TIMESTAMP NULL DEFAULT NULL, ts6 TIMESTAMP(6) NULL DEFAULT NULL, yr YEAR,"
            + " ch CHAR(10) CHARACTER SET utf8mb4, vc VARCHAR(200) CHARACTER SET utf8mb4, tx TEXT CHARACTER SET utf8mb4,"
            + " l1 VARCHAR(50) CHARACTER SET latin1, l1t TEXT CHARACTER SET latin1,"
            + " bn BINARY(8), vb VARBINARY(64), bl BLOB,"
            + " en ENUM('small','medium','large'), st SET('a','b','c','d'), b1 BIT(1), b64 BIT(64), js JSON"
            + ") DEFAULT CHARSET=utf8mb4";

    static final List<String> ROWS = List.of(
            // minimums and odd values
            "INSERT INTO types.matrix VALUES (1, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,"
                    + " -99999999999999999999999999999999999.999999999999999999999999999999, -999.99, -3.4028235E38, -1.7976931348623157E308,"
                    + " '1000-01-01', '-838:59:59', '-838:59:59.999999', '1000-01-01 00:00:00', '1000-01-01 00:00:00.000001',"
                    + " '1970-01-01 00:00:01', '1970-01-01 00:00:01.000001', 1901,"
                    + " '', '', '', '', '', '', '', '', 'small', '', b'0', b'0', '{}')",
            // maximums
            "INSERT INTO types.matrix VALUES (2, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,"
                    + " 9223372036854775807, 18446744073709551615,"
                    + " 99999999999999999999999999999999999.999999999999999999999999999999, 999.99, 3.4028235E38, 1.7976931348623157E308,"
                    + " '9999-12-31', '838:59:59', '838:59:59.999999', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999',"
                    + " '2038-01-19 03:14:07', '2038-01-19 03:14:07.999999', 2155,"
                    + " 'ä€😀', 'Grüße 🎉 — 漢字 \\\\ '' \"', REPEAT('😀x', 2000), 'café', CONCAT('é', CHAR(0x81 USING latin1), 'ÿ'),"
                    + " 0x00FF00FF00FF00FF, 0x000102FF, REPEAT(0xDEADBEEF00, 500),"
                    + " 'large', 'a,b,c,d', b'1', b'1111111111111111111111111111111111111111111111111111111111111111',"
                    + " '{\"k\": [1, 2.5, \"x\", null, true], \"u\": \"\\\\u00e9\"}')",
            // all NULLs
            "INSERT INTO types.matrix (id) VALUES (3)",
            // zero dates, tiny fractions, float oddities
            "INSERT INTO types.matrix (id, dt, dtm, dtm6, f, d, dec65, tm6, bn, vb, ch) VALUES (4, '0000-00-00', '0000-00-00 00:00:00',"
                    + " '0000-00-00 00:00:00.000000', 1.17549435E-38, 4.9E-324, 0.000000000000000000000000000001, '00:00:00.000001',"
                    + " 0x01, X'', 'trail  ')",
            "INSERT INTO types.matrix (id, i, vc) VALUES (5, 1, 'to be deleted')",
            "UPDATE types.matrix SET vc = CONCAT(vc, ' and updated 🚀'), biu = biu - 1, ts6 = '2001-02-03 04:05:06.5' WHERE id IN (2, 3)",
            "UPDATE types.matrix SET id = 40 WHERE id = 4",
            "DELETE FROM types.matrix WHERE id = 5");

    @TempDir
    Path work;

    @Test
    void everyTypeRoundTripsExactly() throws Exception {
        List<MariaDbServer> servers = MariaDbServer.startAll(MariaDbOptions.source("types-src"), MariaDbOptions.target("types-tgt"));
        try (MariaDbServer source = servers.get(0); MariaDbServer target = servers.get(1)) {
            for (MariaDbServer s : servers) {
                s.execute("SET GLOBAL sql_mode = ''", "SET GLOBAL time_zone = '+03:00'", "CREATE DATABASE types", TABLE_DDL);
            }
            String start = source.gtidBinlogPos();
            try (Connection c = source.connect("types"); Statement st = c.createStatement()) {
                st.execute("SET SESSION sql_mode = ''");
                for (String sql : ROWS) {
                    st.execute(sql);
                }
            }
            PipelineConfig cfg = PipelineConfig.builder().name("types")
                    .source(new Endpoint("127.0.0.1", source.port(), "root", source.password()))
                    .target(new Endpoint("127.0.0.1", target.port(), "root", target.password()))
                    .journalDir(work.resolve("journal")).include(List.of("types.*")).startGtid(start).build();
            try (Pipeline p = Pipeline.start(cfg)) {
                p.awaitCaughtUp(source.gtidBinlogPos(), Duration.ofMinutes(1));
            }
            List<String> expected = dumpHex(source);
            List<String> actual = dumpHex(target);
            assertEquals(4, expected.size(), "source rows");
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i), actual.size() > i ? actual.get(i) : "(missing)", "row " + i);
            }
            assertEquals(expected.size(), actual.size());
            try (Connection s = source.connect("types"); Connection t = target.connect("types")) {
                assertTrue(TableComparison.allEqual(TableComparison.compare(s, t, "types", List.of("matrix"))));
            }
        }
    }

    /** Each row as "col=HEX(value)|..." (timestamps read in UTC), so any byte of difference shows. */
    private static List<String> dumpHex(MariaDbServer s) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = s.connect("types"); Statement st = c.createStatement()) {
            st.execute("SET time_zone = '+00:00'");
            List<String> cols = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_schema='types'"
                    + " AND table_name='matrix' ORDER BY ordinal_position")) {
                while (rs.next()) {
                    cols.add(rs.getString(1));
                }
            }
            StringBuilder q = new StringBuilder("SELECT CONCAT_WS('|'");
            for (String col : cols) {
                q.append(", CONCAT('").append(col).append("=', IFNULL(HEX(`").append(col).append("`), 'NULL'), '/', IFNULL(`")
                        .append(col).append("`, 'NULL'))");
            }
            q.append(") FROM matrix ORDER BY id");
            try (ResultSet rs = st.executeQuery(q.toString())) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return rows;
    }
}
