package io.paraverse.capture;

import io.paraverse.translator.MariaDbText;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps the collation ids that table-map metadata carries to character set names and to decoders that turn column
 * bytes into Java strings exactly as the server would. Loaded from the source's {@code information_schema} at
 * start (so every collation the server knows is covered); a built-in table of the common ids is the fallback.
 */
final class Collations {
    static final int BINARY = 63;

    /** Turns the bytes of a character column into a String. */
    interface TextDecoder {
        String decode(byte[] b, int off, int len);
    }

    static final TextDecoder UTF8 = (b, off, len) -> new String(b, off, len, StandardCharsets.UTF_8);

    /** MariaDB's latin1 ({@link MariaDbText#latin1Char}): ASCII runs take the fast path. */
    static final TextDecoder LATIN1 = new TextDecoder() {
        @Override
        public String decode(byte[] b, int off, int len) {
            int end = off + len;
            int i = off;
            while (i < end && b[i] >= 0) {
                i++;
            }
            if (i == end) {
                return new String(b, off, len, StandardCharsets.ISO_8859_1);
            }
            char[] out = new char[len];
            for (int j = 0; j < len; j++) {
                out[j] = MariaDbText.latin1Char(b[off + j] & 0xFF);
            }
            return new String(out);
        }
    };

    private final Map<Integer, String> charsetById;

    private Collations(Map<Integer, String> charsetById) {
        this.charsetById = charsetById;
    }

    /** The built-in table only (used when the server cannot be asked, and in unit tests). */
    static Collations builtIn() {
        return new Collations(builtInTable());
    }

    /** The server's own collation table, on top of the built-in one. */
    static Collations load(Connection c) {
        Map<Integer, String> m = builtInTable();
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "SELECT ID, CHARACTER_SET_NAME FROM information_schema.COLLATIONS WHERE ID IS NOT NULL")) {
                while (rs.next()) {
                    m.put(rs.getInt(1), rs.getString(2).toLowerCase(java.util.Locale.ROOT));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT ID, CHARACTER_SET_NAME"
                    + " FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY WHERE ID IS NOT NULL")) {
                while (rs.next()) {
                    m.put(rs.getInt(1), rs.getString(2).toLowerCase(java.util.Locale.ROOT));
                }
            } catch (SQLException e) {
                // MariaDB before 10.10 and MySQL have no ID column there: COLLATIONS covered everything
            }
        } catch (SQLException e) {
            // keep the built-in table
        }
        return new Collations(m);
    }

    /** Character set name of a collation id ("utf8mb4", "latin1", "binary"), or null if unknown. */
    String charsetName(int collationId) {
        return charsetById.get(collationId);
    }

    /** Decoder for a collation id; null means binary (values stay byte[]). Throws for what cannot be decoded. */
    TextDecoder decoder(int collationId, String where) {
        String cs = charsetById.get(collationId);
        if (cs == null) {
            throw new CaptureException(where + " uses collation id " + collationId
                    + ", which the source's information_schema.COLLATIONS does not list");
        }
        TextDecoder d = decoderFor(cs);
        if (d == null && !"binary".equals(cs)) {
            throw new CaptureException(where + " uses character set " + cs + ", which capture cannot decode");
        }
        return d;
    }

    static TextDecoder decoderFor(String charset) {
        switch (charset) {
            case "binary":
                return null;
            case "utf8":
            case "utf8mb3":
            case "utf8mb4":
                return UTF8;
            case "latin1":
                return LATIN1;
            default:
                Charset cs = MariaDbText.javaCharset(charset);
                if (cs == null) {
                    return null;
                }
                return (b, off, len) -> new String(b, off, len, cs);
        }
    }


    private static Map<Integer, String> builtInTable() {
        Map<Integer, String> m = new HashMap<>();
        for (int id : new int[] {5, 8, 15, 31, 47, 48, 49, 94}) {
            m.put(id, "latin1");
        }
        m.put(11, "ascii");
        m.put(65, "ascii");
        m.put(63, "binary");
        m.put(33, "utf8mb3");
        m.put(83, "utf8mb3");
        for (int id = 192; id <= 215; id++) {
            m.put(id, "utf8mb3");
        }
        m.put(223, "utf8mb3");
        m.put(45, "utf8mb4");
        m.put(46, "utf8mb4");
        for (int id = 224; id <= 247; id++) {
            m.put(id, "utf8mb4");
        }
        return m;
    }
}
