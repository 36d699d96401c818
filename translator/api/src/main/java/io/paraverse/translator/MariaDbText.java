package io.paraverse.translator;

import java.nio.charset.Charset;
import java.util.Map;

/**
 * How MariaDB's character sets and UTC datetimes map to Java, shared by everything that turns server bytes into the
 * values {@link SqlType} promises (capture decoding row events, mappings converting charsets): one table, so they
 * cannot disagree.
 */
public final class MariaDbText {
    private MariaDbText() { }

    private static final Map<String, String> JAVA_NAMES = Map.ofEntries(
            Map.entry("utf8", "UTF-8"), Map.entry("utf8mb3", "UTF-8"), Map.entry("utf8mb4", "UTF-8"),
            Map.entry("ascii", "US-ASCII"), Map.entry("ucs2", "UTF-16BE"), Map.entry("utf16", "UTF-16BE"),
            Map.entry("utf16le", "UTF-16LE"), Map.entry("utf32", "UTF-32BE"), Map.entry("cp1250", "windows-1250"),
            Map.entry("cp1251", "windows-1251"), Map.entry("cp1256", "windows-1256"),
            Map.entry("cp1257", "windows-1257"), Map.entry("latin2", "ISO-8859-2"), Map.entry("latin5", "ISO-8859-9"),
            Map.entry("latin7", "ISO-8859-13"), Map.entry("greek", "ISO-8859-7"), Map.entry("hebrew", "ISO-8859-8"),
            Map.entry("koi8r", "KOI8-R"), Map.entry("koi8u", "KOI8-U"), Map.entry("cp850", "IBM850"),
            Map.entry("cp852", "IBM852"), Map.entry("cp866", "IBM866"), Map.entry("sjis", "Shift_JIS"),
            Map.entry("cp932", "windows-31j"), Map.entry("ujis", "EUC-JP"), Map.entry("eucjpms", "x-eucJP-Open"),
            Map.entry("gbk", "GBK"), Map.entry("gb2312", "GB2312"), Map.entry("big5", "Big5"),
            Map.entry("euckr", "EUC-KR"), Map.entry("tis620", "TIS-620"), Map.entry("macroman", "x-MacRoman"),
            Map.entry("macce", "x-MacCentralEurope"));

    private static final char[] LATIN1 = buildLatin1();

    /**
     * The Java charset for a MariaDB character set name (lower case), or null if Java has none. {@code latin1} is
     * not in this table: it is not Java's ISO-8859-1 nor exactly its windows-1252 ({@link #latin1Char}).
     */
    public static Charset javaCharset(String mariadbCharset) {
        String java = JAVA_NAMES.get(mariadbCharset);
        return java != null && Charset.isSupported(java) ? Charset.forName(java) : null;
    }

    /**
     * MariaDB's latin1: Windows-1252, except that the five bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90,
     * 0x9D) are the C1 controls U+0081.. (Java's windows-1252 decodes them as U+FFFD and would lose them).
     */
    public static char latin1Char(int unsignedByte) {
        return LATIN1[unsignedByte];
    }

    /**
     * Proleptic Gregorian year, month (1-12) and day of a day count since 1970-01-01 (H. Hinnant's civil_from_days):
     * exact for every DATETIME, without java.time's object allocation on the hot decode path.
     */
    public static int[] civilFromDays(long days) {
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int d = (int) (doy - (153 * mp + 2) / 5 + 1);
        int m = (int) (mp < 10 ? mp + 3 : mp - 9);
        if (m <= 2) {
            y++;
        }
        return new int[] {(int) y, m, d};
    }

    private static char[] buildLatin1() {
        Charset cp1252 = Charset.forName("windows-1252");
        char[] t = new char[256];
        for (int i = 0; i < 256; i++) {
            String s = new String(new byte[] {(byte) i}, cp1252);
            char c = s.length() == 1 ? s.charAt(0) : '\uFFFD';
            t[i] = c == '\uFFFD' ? (char) i : c;
        }
        return t;
    }
}
