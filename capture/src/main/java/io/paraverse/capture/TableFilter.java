package io.paraverse.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which tables capture keeps. A pattern is {@code schema} (all its tables), {@code schema.table} or
 * {@code schema.*}; {@code *} and {@code ?} are wildcards, and a part may be quoted with backticks to hold a dot
 * ({@code `my.db`.orders}). Names match case-sensitively, as MariaDB on Linux stores them.
 * A table is captured if it matches an include pattern (or there are none) and no exclude pattern. The system
 * schemas {@code mysql}, {@code information_schema}, {@code performance_schema}, {@code sys} and Paraverse's own
 * schema {@code paraverse} are always excluded.
 */
public final class TableFilter {
    /** Schemas never captured, whatever the patterns say. */
    public static final Set<String> ALWAYS_EXCLUDED_SCHEMAS =
            Set.of("mysql", "information_schema", "performance_schema", "sys", "paraverse");

    private final List<String> include;
    private final List<String> exclude;
    private final List<Part[]> includeParts;
    private final List<Part[]> excludeParts;

    private TableFilter(List<String> include, List<String> exclude) {
        this.include = List.copyOf(include);
        this.exclude = List.copyOf(exclude);
        this.includeParts = parseAll(this.include, "include");
        this.excludeParts = parseAll(this.exclude, "exclude");
    }

    /** A filter from include and exclude patterns (either may be empty); a malformed pattern is rejected. */
    public static TableFilter of(List<String> include, List<String> exclude) {
        return new TableFilter(Objects.requireNonNull(include, "include"), Objects.requireNonNull(exclude, "exclude"));
    }

    /** Every table outside the always-excluded schemas. */
    public static TableFilter all() {
        return of(List.of(), List.of());
    }

    public List<String> includePatterns() { return include; }

    public List<String> excludePatterns() { return exclude; }

    /** Whether changes to {@code schema.table} are captured. */
    public boolean includes(String schema, String table) {
        if (ALWAYS_EXCLUDED_SCHEMAS.contains(schema)) {
            return false;
        }
        boolean in = includeParts.isEmpty();
        for (int i = 0; !in && i < includeParts.size(); i++) {
            Part[] p = includeParts.get(i);
            in = p[0].matches(schema) && p[1].matches(table);
        }
        if (!in) {
            return false;
        }
        for (Part[] p : excludeParts) {
            if (p[0].matches(schema) && p[1].matches(table)) {
                return false;
            }
        }
        return true;
    }

    /** Whether some table of this schema may be captured (used to decide if a DDL statement concerns capture). */
    public boolean mayIncludeSchema(String schema) {
        if (schema == null || schema.isEmpty() || ALWAYS_EXCLUDED_SCHEMAS.contains(schema)) {
            return false;
        }
        boolean in = includeParts.isEmpty();
        for (int i = 0; !in && i < includeParts.size(); i++) {
            in = includeParts.get(i)[0].matches(schema);
        }
        if (!in) {
            return false;
        }
        for (Part[] p : excludeParts) {
            if (p[0].matches(schema) && p[1].any) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "include " + (include.isEmpty() ? "[all]" : include) + " exclude " + exclude;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableFilter f && include.equals(f.include) && exclude.equals(f.exclude);
    }

    @Override
    public int hashCode() {
        return Objects.hash(include, exclude);
    }

    private static List<Part[]> parseAll(List<String> patterns, String kind) {
        List<Part[]> out = new ArrayList<>();
        for (String p : patterns) {
            out.add(parse(p, kind));
        }
        return List.copyOf(out);
    }

    private static Part[] parse(String pattern, String kind) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("empty " + kind + " pattern");
        }
        List<String> parts = new ArrayList<>();
        List<Boolean> quoted = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inQuote = false;
        boolean wasQuoted = false;
        String s = pattern.trim();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inQuote) {
                if (c == '`') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '`') {
                        cur.append('`');
                        i++;
                    } else {
                        inQuote = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == '`') {
                if (cur.length() > 0) {
                    throw bad(pattern, kind, "a backtick must quote a whole name");
                }
                inQuote = true;
                wasQuoted = true;
            } else if (c == '.') {
                parts.add(cur.toString());
                quoted.add(wasQuoted);
                cur.setLength(0);
                wasQuoted = false;
            } else {
                if (wasQuoted) {
                    throw bad(pattern, kind, "text after a quoted name");
                }
                cur.append(c);
            }
        }
        if (inQuote) {
            throw bad(pattern, kind, "unclosed backtick");
        }
        parts.add(cur.toString());
        quoted.add(wasQuoted);
        if (parts.size() > 2) {
            throw bad(pattern, kind, "expected schema or schema.table (quote names holding a dot with backticks)");
        }
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).isEmpty()) {
                throw bad(pattern, kind, "empty name");
            }
        }
        Part schema = Part.of(parts.get(0), quoted.get(0));
        Part table = parts.size() == 2 ? Part.of(parts.get(1), quoted.get(1)) : Part.ANY;
        return new Part[] {schema, table};
    }

    private static IllegalArgumentException bad(String pattern, String kind, String why) {
        return new IllegalArgumentException("bad " + kind + " pattern '" + pattern + "': " + why);
    }

    /** One name pattern: any name, an exact name, or a glob. */
    private static final class Part {
        static final Part ANY = new Part(true, null, null);
        final boolean any;
        final String exact;
        final Pattern glob;

        private Part(boolean any, String exact, Pattern glob) {
            this.any = any;
            this.exact = exact;
            this.glob = glob;
        }

        static Part of(String text, boolean quoted) {
            if (!quoted && text.equals("*")) {
                return ANY;
            }
            if (quoted || (text.indexOf('*') < 0 && text.indexOf('?') < 0)) {
                return new Part(false, text, null);
            }
            StringBuilder re = new StringBuilder();
            StringBuilder lit = new StringBuilder();
            for (char c : text.toCharArray()) {
                if (c == '*' || c == '?') {
                    if (lit.length() > 0) {
                        re.append(Pattern.quote(lit.toString()));
                        lit.setLength(0);
                    }
                    re.append(c == '*' ? ".*" : ".");
                } else {
                    lit.append(c);
                }
            }
            if (lit.length() > 0) {
                re.append(Pattern.quote(lit.toString()));
            }
            return new Part(false, null, Pattern.compile(re.toString(), Pattern.DOTALL));
        }

        boolean matches(String name) {
            if (any) {
                return true;
            }
            return exact != null ? exact.equals(name) : glob.matcher(name).matches();
        }
    }
}
