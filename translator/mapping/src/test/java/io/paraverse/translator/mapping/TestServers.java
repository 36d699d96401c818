package io.paraverse.translator.mapping;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A private source and a private target MariaDB (never the machine's server on 3306), shared by this module's tests. */
final class TestServers {
    private static MariaDbServer source;
    private static MariaDbServer target;

    private TestServers() { }

    static synchronized void start() {
        if (source == null) {
            List<MariaDbServer> s = MariaDbServer.startAll(MariaDbOptions.target("mapping-source"),
                    MariaDbOptions.target("mapping-target"));
            source = s.get(0);
            target = s.get(1);
            recreate(source, "shop", resource("shop-source.sql"));
            recreate(target, "shop2", resource("shop-target.sql"));
        }
    }

    static MariaDbServer source() { start(); return source; }

    static MariaDbServer target() { start(); return target; }

    /** Drops and creates a database and runs ';'-separated DDL in it ("%db" stands for its quoted name). */
    static void recreate(MariaDbServer s, String db, String ddl) {
        List<String> all = new ArrayList<>();
        all.add("DROP DATABASE IF EXISTS `" + db + "`");
        all.add("CREATE DATABASE `" + db + "`");
        for (String d : ddl.split(";")) {
            if (!d.isBlank()) {
                all.add(d.replace("%db", "`" + db + "`"));
            }
        }
        s.execute(all.toArray(new String[0]));
    }

    static String resource(String name) {
        try (InputStream in = TestServers.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses and validates mapping text against the shared servers. */
    static MappingTranslator translator(String file, String yaml) throws SQLException {
        MappingFile f = MappingFile.parse(file, yaml);
        try (Connection s = source().connect(""); Connection t = target().connect("")) {
            return f.validate(s, t);
        }
    }

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
}
