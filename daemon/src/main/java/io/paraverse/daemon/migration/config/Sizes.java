package io.paraverse.daemon.migration.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes in configuration: "20GiB", "512MiB", "1.5TiB", "20G" (binary, like the GiB forms), "10GB" (decimal), bytes. */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?b?)");

    private Sizes() { }

    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + text + "'; use e.g. 20GiB, 512MiB, 1TiB or bytes");
        }
        double n = Double.parseDouble(m.group(1));
        int power = "kmgtp".indexOf(m.group(2).isEmpty() ? "x" : m.group(2)) + 1;
        boolean decimal = m.group(3).equals("b") && power > 0; // "GB": 1000-based; "GiB", "G": 1024-based
        double unit = Math.pow(decimal ? 1000 : 1024, power);
        return (long) (n * unit);
    }

    /** "18.6 GiB". */
    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return i == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
