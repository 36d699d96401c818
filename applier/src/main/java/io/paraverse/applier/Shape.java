package io.paraverse.applier;

import io.paraverse.translator.TargetTable;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * One {@link TargetTable} as ops use it: a physical table, the columns an upsert writes and the key. Caches the
 * statement text for each row count, so no SQL is built per row: an upsert of n rows is
 * {@code INSERT INTO t (c1,..) VALUES (?,..),(?,..) ON DUPLICATE KEY UPDATE c1=VALUES(c1),..} and a delete of
 * n keys is {@code DELETE FROM t WHERE k IN (?,..)} or {@code WHERE (k1,k2) IN ((?,?),..)}.
 */
final class Shape {
    static final int MAX_PARAMETERS = 65_535;

    final TargetTable target;
    final PhysicalTable phys;
    final int[] keyIndexes;
    final int columnCount;
    final int keyCount;
    final int maxUpsertRows;
    final int maxDeleteRows;

    private final String upsertHead;
    private final String upsertRow;
    private final String upsertTail;
    private final String deleteHead;
    private final String deleteRow;
    private final String deleteTail;
    private final String updateSql;
    /** Positions of the columns an update sets (every non-key column), in SET order. */
    final int[] updateSetIndexes;
    private final SqlCache upsertSql = new SqlCache();
    private final SqlCache deleteSql = new SqlCache();

    private boolean checked;
    private boolean compactable;
    private boolean fullCoverage;

    Shape(TargetTable target, PhysicalTable phys, int maxStatementRows) {
        this.target = target;
        this.phys = phys;
        this.keyIndexes = target.keyIndexes();
        this.columnCount = target.columns().size();
        this.keyCount = target.key().size();
        this.maxUpsertRows = Math.max(1, Math.min(maxStatementRows, MAX_PARAMETERS / columnCount));
        this.maxDeleteRows = Math.max(1, Math.min(maxStatementRows, MAX_PARAMETERS / keyCount));

        StringBuilder cols = new StringBuilder();
        StringBuilder row = new StringBuilder("(");
        StringBuilder update = new StringBuilder();
        for (int i = 0; i < columnCount; i++) {
            String q = Sql.quote(target.columns().get(i));
            if (i > 0) {
                cols.append(',');
                row.append(',');
                update.append(',');
            }
            cols.append(q);
            row.append('?');
            // key columns too: a no-op on the matched row, and it stores the source's exact key bytes when the
            // target's collation matched a key that differs only in case or trailing spaces
            update.append(q).append("=VALUES(").append(q).append(')');
        }
        row.append(')');
        this.upsertHead = "INSERT INTO " + phys.sqlName + " (" + cols + ") VALUES ";
        this.upsertRow = row.toString();
        this.upsertTail = " ON DUPLICATE KEY UPDATE " + update;

        if (keyCount == 1) {
            this.deleteHead = "DELETE FROM " + phys.sqlName + " WHERE " + Sql.quote(target.key().get(0)) + " IN (";
            this.deleteRow = "?";
        } else {
            StringBuilder k = new StringBuilder("(");
            StringBuilder kr = new StringBuilder("(");
            for (int i = 0; i < keyCount; i++) {
                if (i > 0) {
                    k.append(',');
                    kr.append(',');
                }
                k.append(Sql.quote(target.key().get(i)));
                kr.append('?');
            }
            this.deleteHead = "DELETE FROM " + phys.sqlName + " WHERE " + k.append(')') + " IN (";
            this.deleteRow = kr.append(')').toString();
        }
        this.deleteTail = ")";

        // an update is one row per statement (sent as a pipelined JDBC batch): SET the non-key columns WHERE key
        StringBuilder set = new StringBuilder();
        int[] setIdx = new int[columnCount - keyCount];
        int n = 0;
        for (int i = 0; i < columnCount; i++) {
            if (target.key().contains(target.columns().get(i))) {
                continue;
            }
            if (n > 0) {
                set.append(',');
            }
            set.append(Sql.quote(target.columns().get(i))).append("=?");
            if (n < setIdx.length) {
                setIdx[n] = i;
            }
            n++;
        }
        this.updateSetIndexes = java.util.Arrays.copyOf(setIdx, Math.min(n, setIdx.length));
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < keyCount; i++) {
            where.append(i > 0 ? " AND " : "").append(Sql.quote(target.key().get(i))).append("=?");
        }
        this.updateSql = "UPDATE " + phys.sqlName + " SET " + set + " WHERE " + where;
    }

    /** {@code UPDATE t SET c1=?,.. WHERE k1=? AND ..}: the non-key values, then the key values. */
    String updateSql() { return updateSql; }

    /**
     * Statement texts by row count, least recently used dropped beyond a few: full-size statements and the common
     * small counts stay cached; a one-off remainder size is rebuilt when it recurs (texts of wide tables are
     * large, so caching every count from 1 to 1000 would hold tens of megabytes).
     */
    private static final class SqlCache extends java.util.LinkedHashMap<Integer, String> {
        private static final int SIZES = 16;

        SqlCache() {
            super(32, 0.75f, true);
        }

        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Integer, String> eldest) {
            return size() > SIZES;
        }
    }

    String upsertSql(int rows) {
        synchronized (upsertSql) { // parallel apply workers share shapes; the cache is access-ordered
            return upsertSqlLocked(rows);
        }
    }

    private String upsertSqlLocked(int rows) {
        String s = upsertSql.get(rows);
        if (s == null) {
            StringBuilder sb = new StringBuilder(upsertHead.length() + rows * (upsertRow.length() + 1) + upsertTail.length());
            sb.append(upsertHead);
            for (int i = 0; i < rows; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(upsertRow);
            }
            s = sb.append(upsertTail).toString();
            upsertSql.put(rows, s);
        }
        return s;
    }

    String deleteSql(int rows) {
        synchronized (deleteSql) {
            return deleteSqlLocked(rows);
        }
    }

    private String deleteSqlLocked(int rows) {
        String s = deleteSql.get(rows);
        if (s == null) {
            StringBuilder sb = new StringBuilder(deleteHead.length() + rows * (deleteRow.length() + 1) + 1);
            sb.append(deleteHead);
            for (int i = 0; i < rows; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(deleteRow);
            }
            s = sb.append(deleteTail).toString();
            deleteSql.put(rows, s);
        }
        return s;
    }

    boolean checked() { return checked; }

    /**
     * Loads the physical table's metadata and checks this shape against it; returns a problem description, or
     * null if ops of this shape can be written.
     */
    String check(Connection c) throws SQLException {
        phys.load(c);
        if (!phys.exists()) {
            return "target table " + phys.qualified + " does not exist";
        }
        Set<String> cols = new HashSet<>();
        for (String col : target.columns()) {
            String lower = col.toLowerCase(Locale.ROOT);
            if (!phys.hasColumn(lower)) {
                return "target table " + phys.qualified + " has no column " + col;
            }
            cols.add(lower);
        }
        Set<String> key = new HashSet<>();
        for (String k : target.key()) {
            key.add(k.toLowerCase(Locale.ROOT));
        }
        boolean keyIsUnique = false;
        for (Set<String> idx : phys.uniqueIndexes()) {
            keyIsUnique |= idx.equals(key);
        }
        if (!keyIsUnique) {
            return "target table " + phys.qualified + " has no PRIMARY KEY or UNIQUE index on exactly the op key "
                    + target.key() + " (unique indexes: " + phys.describeUniqueIndexes()
                    + "), so upserts and deletes by that key would not be idempotent";
        }
        compactable = phys.uniqueIndexes().size() == 1;
        fullCoverage = cols.containsAll(phys.writableColumns());
        checked = true;
        return null;
    }

    /** The op key is the table's only unique index: last op per key wins (see {@link BatchWriter}). */
    boolean compactable() { return compactable; }

    /** Upserts write every writable column of the table, so an upsert alone replaces a deleted-and-reinserted row. */
    boolean fullCoverage() { return fullCoverage; }

    @Override
    public String toString() { return phys.qualified + target.columns() + " key " + target.key(); }
}
