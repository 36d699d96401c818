package io.paraverse.daemon.verify;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** Quoting, binding and key conditions for the verifier's queries. */
final class Sql {
    private Sql() { }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    static String table(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    /** Binds a value of the change model (Long, BigInteger, BigDecimal, Float, Double, String, byte[], null). */
    static void bind(PreparedStatement ps, int index, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(index, Types.NULL);
        } else if (v instanceof Long l) {
            ps.setLong(index, l);
        } else if (v instanceof Integer i) {
            ps.setLong(index, i);
        } else if (v instanceof String s) {
            ps.setString(index, s);
        } else if (v instanceof byte[] b) {
            ps.setBytes(index, b);
        } else if (v instanceof BigInteger b) {
            ps.setBigDecimal(index, new BigDecimal(b)); // a number, never a string the server compares as a double
        } else if (v instanceof BigDecimal d) {
            ps.setBigDecimal(index, d);
        } else if (v instanceof Double d) {
            ps.setDouble(index, d);
        } else if (v instanceof Float f) {
            ps.setFloat(index, f);
        } else {
            ps.setObject(index, v);
        }
    }

    /** {@code (k1 > ?) OR (k1 = ? AND k2 > ?) ...}: binds k1; k1,k2; ... (see {@link #bindAfter}). */
    static String after(List<String> key) {
        StringBuilder where = new StringBuilder("(");
        for (int i = 0; i < key.size(); i++) {
            where.append(i == 0 ? "(" : " OR (");
            for (int j = 0; j < i; j++) {
                where.append(quote(key.get(j))).append("=? AND ");
            }
            where.append(quote(key.get(i))).append(">?)");
        }
        return where.append(')').toString();
    }

    /** {@code (k1 < ?) OR (k1 = ? AND k2 < ?) ... OR (k1 = ? AND ... kn = ?)}: at or before a key. */
    static String upTo(List<String> key) {
        StringBuilder where = new StringBuilder("(");
        for (int i = 0; i < key.size(); i++) {
            where.append(i == 0 ? "(" : " OR (");
            for (int j = 0; j < i; j++) {
                where.append(quote(key.get(j))).append("=? AND ");
            }
            where.append(quote(key.get(i))).append("<?)");
        }
        where.append(" OR (");
        for (int j = 0; j < key.size(); j++) {
            where.append(j == 0 ? "" : " AND ").append(quote(key.get(j))).append("=?");
        }
        return where.append("))").toString();
    }

    /** Binds the parameters of {@link #after} for {@code key}; returns the next index. */
    static int bindAfter(PreparedStatement ps, int index, List<Object> key) throws SQLException {
        for (int i = 0; i < key.size(); i++) {
            for (int j = 0; j <= i; j++) {
                bind(ps, index++, key.get(j));
            }
        }
        return index;
    }

    /** Binds the parameters of {@link #upTo} for {@code key}; returns the next index. */
    static int bindUpTo(PreparedStatement ps, int index, List<Object> key) throws SQLException {
        index = bindAfter(ps, index, key);
        for (Object v : key) {
            bind(ps, index++, v);
        }
        return index;
    }

    /** {@code (k1=? AND k2=?) OR ...} for {@code n} keys. */
    static String anyOf(List<String> key, int n) {
        StringBuilder one = new StringBuilder("(");
        for (int j = 0; j < key.size(); j++) {
            one.append(j == 0 ? "" : " AND ").append(quote(key.get(j))).append("=?");
        }
        one.append(')');
        StringBuilder all = new StringBuilder("(");
        for (int i = 0; i < n; i++) {
            all.append(i == 0 ? "" : " OR ").append(one);
        }
        return all.append(')').toString();
    }
}
