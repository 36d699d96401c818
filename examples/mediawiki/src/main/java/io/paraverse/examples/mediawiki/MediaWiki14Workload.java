package io.paraverse.examples.mediawiki;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Writes like a MediaWiki 1.4 wiki: creates pages (insert into {@code cur}), edits them (the previous version is
 * inserted into {@code old} under the next {@code old_id}, then {@code cur} is updated in place: one transaction),
 * renames them (the {@code cur} row and the page's {@code old} rows change title; a redirect page is left at the old
 * title) and deletes them (the page's {@code old} rows and its {@code cur} row). Texts run from a few hundred bytes to
 * tens of kilobytes, titles and texts are multilingual (accents, Greek, Cyrillic, CJK, emoji).
 * <p>
 * Timestamps come from a clock shared by all users of one instance that advances one second per write, so every
 * version has its own timestamp. Several threads may run {@link #run} on one instance, each with its own connection.
 */
public final class MediaWiki14Workload {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    private static final String[] WORDS = {
        "wiki", "page", "history", "river", "mountain", "Zürich", "café", "naïve", "Ελλάδα", "φιλοσοφία", "Москва",
        "история", "東京", "日本語", "北京", "한국어", "العربية", "עברית", "Ñandú", "smörgåsbord", "Łódź", "🦄", "☃",
        "encyclopedia", "article", "talk", "science", "music", "film", "city", "bridge", "Tiếng_Việt", "हिन्दी",
    };
    private static final String[] USERS = {"Alice", "Bob", "Zoë", "Дмитрий", "太郎", "Ψ", "192.0.2.7"};

    /** Counts of what the workload did. */
    public static final class Stats {
        public final AtomicLong creates = new AtomicLong();
        public final AtomicLong edits = new AtomicLong();
        public final AtomicLong renames = new AtomicLong();
        public final AtomicLong deletes = new AtomicLong();
        public final AtomicLong retries = new AtomicLong();

        public long total() {
            return creates.get() + edits.get() + renames.get() + deletes.get();
        }

        @Override
        public String toString() {
            return "creates " + creates + ", edits " + edits + ", renames " + renames + ", deletes " + deletes
                    + ", retries " + retries;
        }
    }

    private final String database;
    private final long seed;
    private final AtomicLong clock = new AtomicLong(Instant.parse("2005-03-01T00:00:00Z").getEpochSecond());
    private final AtomicLong titles = new AtomicLong();
    private final AtomicLong threads = new AtomicLong();

    public MediaWiki14Workload(String database, long seed) {
        this.database = database;
        this.seed = seed;
    }

    public String database() { return database; }

    /**
     * Creates the database with the 1.4 schema and fills it with {@code pages} pages of {@code editsPerPage} edits
     * each (so {@code pages * editsPerPage} old rows).
     */
    public void prepare(Connection conn, int pages, int editsPerPage) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS `" + database + "` CHARACTER SET utf8mb4");
            st.execute("USE `" + database + "`");
        }
        UpgradeScript.run(conn, UpgradeScript.SCHEMA_14);
        Random rnd = new Random(seed);
        boolean auto = conn.getAutoCommit();
        conn.setAutoCommit(false);
        try {
            for (int p = 0; p < pages; p++) {
                long id = create(conn, rnd);
                for (int e = 0; e < editsPerPage; e++) {
                    edit(conn, rnd, id);
                }
                conn.commit();
            }
        } finally {
            conn.setAutoCommit(auto);
        }
    }

    /**
     * Writes until {@code keepGoing} says stop: about 70% edits, 14% new pages, 8% renames, 8% deletions, each in its
     * own transaction. Deadlocks and duplicate titles are retried with another choice.
     */
    public void run(Connection conn, BooleanSupplier keepGoing, Stats stats) throws SQLException {
        Random rnd = new Random(seed * 31 + threads.incrementAndGet());
        try (Statement st = conn.createStatement()) {
            st.execute("USE `" + database + "`");
        }
        conn.setAutoCommit(false);
        while (keepGoing.getAsBoolean()) {
            int dice = rnd.nextInt(100);
            try {
                if (dice < 14) {
                    create(conn, rnd);
                    conn.commit();
                    stats.creates.incrementAndGet();
                    continue;
                }
                long id = randomPage(conn, rnd);
                if (id < 0) {
                    create(conn, rnd);
                    conn.commit();
                    stats.creates.incrementAndGet();
                } else if (dice < 84) {
                    if (edit(conn, rnd, id)) {
                        stats.edits.incrementAndGet();
                    }
                    conn.commit();
                } else if (dice < 92) {
                    if (rename(conn, rnd, id)) {
                        stats.renames.incrementAndGet();
                    }
                    conn.commit();
                } else {
                    if (delete(conn, id)) {
                        stats.deletes.incrementAndGet();
                    }
                    conn.commit();
                }
            } catch (SQLException e) {
                conn.rollback();
                if (!retryable(e)) {
                    throw e;
                }
                stats.retries.incrementAndGet();
            }
        }
    }

    private static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        return e.getErrorCode() == 1213 || e.getErrorCode() == 1205 || e.getErrorCode() == 1062
                || (state != null && state.startsWith("40"));
    }

    /** A new page; returns its cur_id. */
    long create(Connection conn, Random rnd) throws SQLException {
        return insertCur(conn, rnd, newTitle(rnd), 0, text(rnd, size(rnd)), false);
    }

    private long insertCur(Connection conn, Random rnd, String title, int namespace, String text, boolean redirect)
            throws SQLException {
        String ts = tick();
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO cur (cur_namespace, cur_title, cur_text,"
                + " cur_comment, cur_user, cur_user_text, cur_timestamp, cur_restrictions, cur_counter, cur_is_redirect,"
                + " cur_minor_edit, cur_is_new, cur_random, cur_touched, inverse_timestamp)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, '', 0, ?, 0, 1, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            int u = rnd.nextInt(USERS.length);
            ps.setInt(1, namespace);
            ps.setString(2, title);
            ps.setString(3, text);
            ps.setBytes(4, (redirect ? "moved page" : "new page: " + word(rnd)).getBytes(StandardCharsets.UTF_8));
            ps.setInt(5, u);
            ps.setString(6, USERS[u]);
            ps.setString(7, ts);
            ps.setInt(8, redirect ? 1 : 0);
            ps.setDouble(9, rnd.nextDouble());
            ps.setString(10, ts);
            ps.setString(11, invert(ts));
            ps.executeUpdate();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** One edit of page {@code id}: its current version goes to old, the new one into cur. */
    boolean edit(Connection conn, Random rnd, long id) throws SQLException {
        String ns;
        String title;
        String text;
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT cur_namespace, cur_title, cur_text FROM cur WHERE cur_id = ? FOR UPDATE")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                ns = rs.getString(1);
                title = rs.getString(2);
                text = rs.getString(3);
            }
        }
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO old (old_namespace, old_title, old_text,"
                + " old_comment, old_user, old_user_text, old_timestamp, old_minor_edit, old_flags, inverse_timestamp)"
                + " SELECT cur_namespace, cur_title, cur_text, cur_comment, cur_user, cur_user_text, cur_timestamp,"
                + " cur_minor_edit, '', inverse_timestamp FROM cur WHERE cur_id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
        String ts = tick();
        int u = rnd.nextInt(USERS.length);
        try (PreparedStatement ps = conn.prepareStatement("UPDATE cur SET cur_text = ?, cur_comment = ?, cur_user = ?,"
                + " cur_user_text = ?, cur_timestamp = ?, cur_minor_edit = ?, cur_is_new = 0, cur_touched = ?,"
                + " inverse_timestamp = ? WHERE cur_id = ?")) {
            ps.setString(1, revise(rnd, text));
            ps.setBytes(2, ("edit " + word(rnd) + " (" + ns + ":" + title.length() + ")").getBytes(StandardCharsets.UTF_8));
            ps.setInt(3, u);
            ps.setString(4, USERS[u]);
            ps.setString(5, ts);
            ps.setInt(6, rnd.nextInt(4) == 0 ? 1 : 0);
            ps.setString(7, ts);
            ps.setString(8, invert(ts));
            ps.setLong(9, id);
            ps.executeUpdate();
        }
        return true;
    }

    /** Moves page {@code id} to a new title with its history, leaving a redirect at the old title. */
    boolean rename(Connection conn, Random rnd, long id) throws SQLException {
        int ns;
        String title;
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT cur_namespace, cur_title FROM cur WHERE cur_id = ? FOR UPDATE")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                ns = rs.getInt(1);
                title = rs.getString(2);
            }
        }
        String to = newTitle(rnd);
        String ts = tick();
        try (PreparedStatement ps = conn.prepareStatement(
                "UPDATE cur SET cur_title = ?, cur_touched = ? WHERE cur_id = ?")) {
            ps.setString(1, to);
            ps.setString(2, ts);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = conn.prepareStatement(
                "UPDATE old SET old_title = ? WHERE old_namespace = ? AND old_title = ?")) {
            ps.setString(1, to);
            ps.setInt(2, ns);
            ps.setString(3, title);
            ps.executeUpdate();
        }
        if (rnd.nextBoolean()) {
            insertCur(conn, rnd, title, ns, "#REDIRECT [[" + to.replace('_', ' ') + "]]", true);
        }
        return true;
    }

    /** Deletes page {@code id} and its history. */
    boolean delete(Connection conn, long id) throws SQLException {
        int ns;
        String title;
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT cur_namespace, cur_title FROM cur WHERE cur_id = ? FOR UPDATE")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                ns = rs.getInt(1);
                title = rs.getString(2);
            }
        }
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM old WHERE old_namespace = ? AND old_title = ?")) {
            ps.setInt(1, ns);
            ps.setString(2, title);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM cur WHERE cur_id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
        return true;
    }

    private static long randomPage(Connection conn, Random rnd) throws SQLException {
        long max;
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT MAX(cur_id) FROM cur")) {
            rs.next();
            max = rs.getLong(1);
        }
        if (max <= 0) {
            return -1;
        }
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT cur_id FROM cur WHERE cur_id >= ? ORDER BY cur_id LIMIT 1")) {
            ps.setLong(1, 1 + (long) (rnd.nextDouble() * max));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private String tick() {
        return TS.format(Instant.ofEpochSecond(clock.incrementAndGet()));
    }

    /** 1.4's inverse_timestamp: each digit d replaced by 9 - d, so ascending order is newest first. */
    static String invert(String ts) {
        StringBuilder b = new StringBuilder(ts.length());
        for (char ch : ts.toCharArray()) {
            b.append((char) ('9' - ch + '0'));
        }
        return b.toString();
    }

    private String newTitle(Random rnd) {
        String w1 = word(rnd);
        String w2 = word(rnd);
        return Character.toUpperCase(w1.charAt(0)) + w1.substring(1) + "_" + w2 + "_" + titles.incrementAndGet()
                + "_" + Long.toString(seed, 36);
    }

    private static String word(Random rnd) {
        return WORDS[rnd.nextInt(WORDS.length)];
    }

    /** Log-uniform between 200 bytes and 40 KB. */
    private static int size(Random rnd) {
        return (int) Math.round(200 * Math.pow(200, rnd.nextDouble()));
    }

    private static String text(Random rnd, int bytes) {
        StringBuilder b = new StringBuilder(bytes + 64);
        b.append("'''").append(word(rnd)).append("''' is a page.\n\n");
        while (b.length() < bytes) {
            paragraph(b, rnd);
        }
        return b.toString();
    }

    private static void paragraph(StringBuilder b, Random rnd) {
        if (rnd.nextInt(5) == 0) {
            b.append("== ").append(word(rnd)).append(" ==\n");
        }
        int words = 20 + rnd.nextInt(80);
        for (int i = 0; i < words; i++) {
            String w = word(rnd);
            if (rnd.nextInt(12) == 0) {
                b.append("[[").append(w).append("]]");
            } else {
                b.append(w);
            }
            b.append(i + 1 < words ? ' ' : '.');
        }
        b.append("\n\n");
    }

    /** A new version: a paragraph added, replaced or removed, as editors do. */
    private static String revise(Random rnd, String text) {
        StringBuilder b = new StringBuilder(text);
        int kind = rnd.nextInt(3);
        if (kind == 0 || b.length() < 400) {
            paragraph(b, rnd);
        } else {
            int at = rnd.nextInt(b.length() / 2);
            int end = Math.min(b.length(), at + 100 + rnd.nextInt(300));
            // never split a surrogate pair
            while (at > 0 && Character.isLowSurrogate(b.charAt(at))) {
                at--;
            }
            while (end < b.length() && Character.isLowSurrogate(b.charAt(end))) {
                end++;
            }
            StringBuilder repl = new StringBuilder();
            if (kind == 1) {
                paragraph(repl, rnd);
            }
            b.replace(at, end, repl.toString());
        }
        if (b.length() > 60_000) {
            b.setLength(30_000);
            while (Character.isHighSurrogate(b.charAt(b.length() - 1))) {
                b.setLength(b.length() - 1);
            }
        }
        return b.toString();
    }
}
