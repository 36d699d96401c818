package io.paraverse.translator.mapping;

import io.paraverse.translator.mapping.MappingException.Problem;
import io.paraverse.translator.mapping.Spec.All;
import io.paraverse.translator.mapping.Spec.Any;
import io.paraverse.translator.mapping.Spec.ColumnSpec;
import io.paraverse.translator.mapping.Spec.Cond;
import io.paraverse.translator.mapping.Spec.Pos;
import io.paraverse.translator.mapping.Spec.Scalar;
import io.paraverse.translator.mapping.Spec.TableSpec;
import io.paraverse.translator.mapping.Spec.TargetSpec;
import io.paraverse.translator.mapping.Spec.Test;
import io.paraverse.translator.mapping.Spec.TestOp;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A declarative mapping file (YAML; format in this module's README): {@link #parse} checks its syntax and shape,
 * {@link #validate} checks it against the real source and target schemas and returns the {@link MappingTranslator}.
 * Both report every problem found at once, each with file, line and column, as a {@link MappingException}.
 */
public final class MappingFile {
    private final String file;
    private final List<TableSpec> tables;

    private MappingFile(String file, List<TableSpec> tables) {
        this.file = file;
        this.tables = tables;
    }

    /** Reads and parses a mapping file; problems name it by its path as given. */
    public static MappingFile parse(Path path) throws IOException {
        return parse(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
    }

    /** Parses mapping text; {@code fileName} is what problems and the translator's name call it. */
    public static MappingFile parse(String fileName, String yaml) {
        Parser p = new Parser(fileName);
        Node root;
        try {
            LoaderOptions opts = new LoaderOptions();
            opts.setAllowDuplicateKeys(true); // reported by the parser with their positions
            root = new Yaml(opts).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String msg = (e.getContext() != null ? e.getContext() + ": " : "") + e.getProblem();
            throw new MappingException(List.of(new Problem(fileName, m == null ? 1 : m.getLine() + 1,
                    m == null ? 1 : m.getColumn() + 1, "YAML syntax: " + msg)));
        } catch (YAMLException e) {
            throw new MappingException(List.of(new Problem(fileName, 1, 1, "YAML: " + e.getMessage())));
        }
        List<TableSpec> tables = p.root(root);
        if (!p.problems.isEmpty()) {
            throw new MappingException(p.problems);
        }
        return new MappingFile(fileName, tables);
    }

    /** The file as named in problems. */
    public String file() { return file; }

    /** The translator's name: "mapping:" and the file's name without directories ("mapping:shop.yaml"). */
    public String translatorName() {
        return "mapping:" + Path.of(file).getFileName();
    }

    /**
     * Checks the mapping against the real schemas (information_schema over these connections, which stay open and
     * are not used afterwards) and builds the translator, with every per-table plan precomputed.
     */
    public MappingTranslator validate(Connection source, Connection target) throws SQLException {
        return new Validator(file, new DbSchema(source, "source"), new DbSchema(target, "target"))
                .validate(tables, translatorName());
    }

    List<TableSpec> tables() { return tables; }

    // ------------------------------------------------------------------------------------------------------------

    private static final class Parser {
        private final String file;
        final List<Problem> problems = new ArrayList<>();

        Parser(String file) {
            this.file = file;
        }

        List<TableSpec> root(Node root) {
            if (root == null) {
                problems.add(new Problem(file, 1, 1, "the file is empty; expected a mapping with tables:"));
                return List.of();
            }
            Map<String, NodeTuple> top = keys(root, "the file", Set.of("tables"));
            if (top == null) {
                return List.of();
            }
            NodeTuple t = top.get("tables");
            if (t == null) {
                error(root, "missing tables: (the list of source tables and their targets)");
                return List.of();
            }
            List<TableSpec> out = new ArrayList<>();
            Map<String, Pos> seen = new LinkedHashMap<>();
            for (Node item : seq(t.getValueNode(), "tables")) {
                TableSpec ts = table(item);
                if (ts != null) {
                    String k = (ts.schema() + "." + ts.table()).toLowerCase(Locale.ROOT);
                    Pos first = seen.putIfAbsent(k, ts.source().pos());
                    if (first != null) {
                        error(ts.source().pos(), "source table " + ts.source().text() + " is already mapped at line "
                                + first.line() + "; list all its targets under one targets:");
                    } else {
                        out.add(ts);
                    }
                }
            }
            return out;
        }

        private static final Set<String> TABLE_KEYS = Set.of("source", "target", "targets", "copy", "drop", "columns", "where");
        private static final Set<String> TARGET_KEYS = Set.of("table", "copy", "drop", "columns", "where");

        private TableSpec table(Node n) {
            Map<String, NodeTuple> k = keys(n, "a tables: entry", TABLE_KEYS);
            if (k == null) {
                return null;
            }
            Scalar src = requiredScalar(n, k, "source", "a tables: entry");
            String[] srcName = src == null ? null : qualified(src, true);
            List<TargetSpec> targets = new ArrayList<>();
            if (k.containsKey("target") && k.containsKey("targets")) {
                error(k.get("targets").getKeyNode(), "give either target: (one target table) or targets: (several), not both");
            } else if (k.containsKey("targets")) {
                for (String inner : List.of("copy", "drop", "columns", "where")) {
                    if (k.containsKey(inner)) {
                        error(k.get(inner).getKeyNode(), inner + ": belongs under each entry of targets: when targets: is used");
                    }
                }
                for (Node tn : seq(k.get("targets").getValueNode(), "targets")) {
                    Map<String, NodeTuple> tk = keys(tn, "a targets: entry", TARGET_KEYS);
                    if (tk != null) {
                        Scalar name = requiredScalar(tn, tk, "table", "a targets: entry");
                        if (name != null) {
                            targets.add(target(name, pos(tn), tk));
                        }
                    }
                }
                if (targets.isEmpty() && problems.isEmpty()) {
                    error(k.get("targets").getValueNode(), "targets: lists no target table");
                }
            } else if (k.containsKey("target")) {
                Scalar name = scalar(k.get("target").getValueNode(), "target");
                if (name != null) {
                    targets.add(target(name, name.pos(), k));
                }
            } else {
                error(n, "missing target: (or targets:) in this tables: entry");
            }
            if (src == null || srcName == null) {
                return null;
            }
            return new TableSpec(src, srcName[0], srcName[1], targets);
        }

        private TargetSpec target(Scalar name, Pos pos, Map<String, NodeTuple> k) {
            String[] tn = qualified(name, false);
            boolean copyAll = true;
            if (k.containsKey("copy")) {
                Scalar c = scalar(k.get("copy").getValueNode(), "copy");
                if (c != null) {
                    if ("none".equals(c.text())) {
                        copyAll = false;
                    } else if (!"all".equals(c.text())) {
                        error(c.pos(), "copy: is all (columns not mentioned are copied by name) or none, not " + c.text());
                    }
                }
            }
            List<Scalar> drop = new ArrayList<>();
            if (k.containsKey("drop")) {
                Node d = k.get("drop").getValueNode();
                List<Node> items = d instanceof ScalarNode ? List.of(d) : seq(d, "drop");
                for (Node item : items) {
                    Scalar s = scalar(item, "drop");
                    if (s != null) {
                        drop.add(s);
                    }
                }
            }
            List<ColumnSpec> columns = new ArrayList<>();
            if (k.containsKey("columns")) {
                Node cn = k.get("columns").getValueNode();
                if (!(cn instanceof MappingNode m)) {
                    error(cn, "columns: must be a mapping of target column to its source (e.g. new_name: old_name)");
                } else {
                    Map<String, Pos> seen = new LinkedHashMap<>();
                    for (NodeTuple t : m.getValue()) {
                        Scalar col = scalar(t.getKeyNode(), "a target column name");
                        if (col == null || col.isNull()) {
                            continue;
                        }
                        Pos first = seen.putIfAbsent(col.text().toLowerCase(Locale.ROOT), col.pos());
                        if (first != null) {
                            error(col.pos(), "target column " + col.text() + " is already mapped at line " + first.line());
                            continue;
                        }
                        ColumnSpec cs = column(col, t.getValueNode());
                        if (cs != null) {
                            columns.add(cs);
                        }
                    }
                }
            }
            Cond where = null;
            if (k.containsKey("where")) {
                where = cond(k.get("where").getValueNode());
            }
            return new TargetSpec(name, tn == null ? null : tn[0], tn == null ? name.text() : tn[1], pos, copyAll, drop,
                    columns, where);
        }

        private static final Set<String> COLUMN_KEYS = Set.of("from", "value", "default", "convert", "charset");

        private ColumnSpec column(Scalar target, Node v) {
            if (v instanceof ScalarNode) {
                Scalar from = scalar(v, "a source column");
                if (from == null) {
                    return null;
                }
                if (from.isNull()) {
                    error(from.pos(), "target column " + target.text() + " needs a source column name, or"
                            + " {value: ...} for a constant");
                    return null;
                }
                return new ColumnSpec(target, from, null, false, null, null, null);
            }
            Map<String, NodeTuple> k = keys(v, "column " + target.text(), COLUMN_KEYS);
            if (k == null) {
                return null;
            }
            Scalar from = optScalar(k, "from");
            Scalar value = optScalar(k, "value");
            Scalar def = optScalar(k, "default");
            Scalar convert = optScalar(k, "convert");
            Scalar charset = optScalar(k, "charset");
            boolean hasValue = k.containsKey("value");
            if (hasValue && from != null) {
                error(k.get("value").getKeyNode(), "column " + target.text() + " has both from: and value:; a constant"
                        + " takes no source column");
                return null;
            }
            if (!hasValue && from == null) {
                error(v, "column " + target.text() + " needs from: (a source column) or value: (a constant)");
                return null;
            }
            if (hasValue && (def != null || convert != null || charset != null)) {
                error(v, "column " + target.text() + " is a constant (value:); default:, convert: and charset: apply"
                        + " only with from:");
                return null;
            }
            if (from != null && from.isNull()) {
                error(from.pos(), "from: needs a source column name");
                return null;
            }
            if (def != null && def.isNull()) {
                def = null; // default: null is the same as no default
            }
            for (Scalar s : new Scalar[] {convert, charset}) {
                if (s != null && s.isNull()) {
                    error(s.pos(), "needs a value");
                    return null;
                }
            }
            return new ColumnSpec(target, from, value, hasValue, def, convert, charset);
        }

        private static final Set<String> COND_KEYS = Set.of("all", "any", "column", "equals", "not_equals", "in",
                "not_in", "is_null", "is_not_null");

        private Cond cond(Node n) {
            if (n instanceof SequenceNode s) {
                return new All(conds(s), pos(n));
            }
            Map<String, NodeTuple> k = keys(n, "a where: condition", COND_KEYS);
            if (k == null) {
                return null;
            }
            if (k.containsKey("all") || k.containsKey("any")) {
                if (k.size() != 1) {
                    error(n, "a condition with all: or any: has nothing else (put the tests inside its list)");
                    return null;
                }
                boolean all = k.containsKey("all");
                Node list = k.get(all ? "all" : "any").getValueNode();
                if (!(list instanceof SequenceNode s)) {
                    error(list, (all ? "all" : "any") + ": must be a list of conditions");
                    return null;
                }
                List<Cond> parts = conds(s);
                return all ? new All(parts, pos(n)) : new Any(parts, pos(n));
            }
            Scalar column = requiredScalar(n, k, "column", "a where: test");
            List<String> ops = new ArrayList<>();
            for (String o : List.of("equals", "not_equals", "in", "not_in", "is_null", "is_not_null")) {
                if (k.containsKey(o)) {
                    ops.add(o);
                }
            }
            if (ops.size() != 1) {
                error(n, "a where: test has column: and exactly one of equals, not_equals, in, not_in, is_null,"
                        + " is_not_null" + (ops.isEmpty() ? "" : " (found " + String.join(", ", ops) + ")"));
                return null;
            }
            String o = ops.get(0);
            Node vn = k.get(o).getValueNode();
            List<Scalar> values = new ArrayList<>();
            TestOp op;
            switch (o) {
                case "equals":
                case "not_equals": {
                    op = o.equals("equals") ? TestOp.EQUALS : TestOp.NOT_EQUALS;
                    Scalar s = scalar(vn, o);
                    if (s != null && s.isNull()) {
                        error(s.pos(), "compare with NULL using is_null: true or is_not_null: true");
                        return null;
                    }
                    if (s != null) {
                        values.add(s);
                    }
                    break;
                }
                case "in":
                case "not_in": {
                    op = o.equals("in") ? TestOp.IN : TestOp.NOT_IN;
                    for (Node item : seq(vn, o)) {
                        Scalar s = scalar(item, o);
                        if (s != null && s.isNull()) {
                            error(s.pos(), "NULL never matches in:/not_in:; use is_null: / is_not_null:");
                        } else if (s != null) {
                            values.add(s);
                        }
                    }
                    break;
                }
                default: {
                    Scalar s = scalar(vn, o);
                    if (s == null) {
                        return null;
                    }
                    boolean yes = bool(s);
                    op = (o.equals("is_null") == yes) ? TestOp.IS_NULL : TestOp.IS_NOT_NULL;
                }
            }
            return column == null ? null : new Test(column, op, values, pos(n));
        }

        private List<Cond> conds(SequenceNode s) {
            List<Cond> out = new ArrayList<>();
            for (Node item : s.getValue()) {
                Cond c = cond(item);
                if (c != null) {
                    out.add(c);
                }
            }
            if (s.getValue().isEmpty()) {
                error(s, "an empty list of conditions");
            }
            return out;
        }

        private boolean bool(Scalar s) {
            String t = s.text() == null ? "" : s.text().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("yes") || t.equals("on")) {
                return true;
            }
            if (!(t.equals("false") || t.equals("no") || t.equals("off"))) {
                error(s.pos(), "expected true or false, not " + s.text());
            }
            return false;
        }

        // ---- helpers ----

        /** The keys of a mapping node, reporting unknown keys (with a suggestion) and duplicates; null if not a mapping. */
        private Map<String, NodeTuple> keys(Node n, String what, Set<String> allowed) {
            if (!(n instanceof MappingNode m)) {
                error(n, what + " must be a mapping (key: value lines)");
                return null;
            }
            Map<String, NodeTuple> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode kn)) {
                    error(t.getKeyNode(), "a key must be a plain word");
                    continue;
                }
                String key = kn.getValue();
                if (!allowed.contains(key)) {
                    String near = closest(key, allowed);
                    error(kn, "unknown key '" + key + "' in " + what + (near != null ? " (did you mean '" + near + "'?)" : "")
                            + "; expected one of " + String.join(", ", allowed.stream().sorted().toList()));
                    continue;
                }
                if (out.putIfAbsent(key, t) != null) {
                    error(kn, "duplicate key '" + key + "'");
                }
            }
            return out;
        }

        private List<Node> seq(Node n, String what) {
            if (n instanceof SequenceNode s) {
                return s.getValue();
            }
            error(n, what + ": must be a list");
            return List.of();
        }

        private Scalar scalar(Node n, String what) {
            if (n instanceof ScalarNode s) {
                return new Scalar(Tag.NULL.equals(s.getTag()) ? null : s.getValue(), pos(n));
            }
            error(n, what + " must be a single value, not a " + (n instanceof MappingNode ? "mapping" : "list"));
            return null;
        }

        private Scalar optScalar(Map<String, NodeTuple> k, String key) {
            NodeTuple t = k.get(key);
            return t == null ? null : scalar(t.getValueNode(), key);
        }

        private Scalar requiredScalar(Node parent, Map<String, NodeTuple> k, String key, String what) {
            NodeTuple t = k.get(key);
            if (t == null) {
                error(parent, "missing " + key + ": in " + what);
                return null;
            }
            Scalar s = scalar(t.getValueNode(), key);
            if (s != null && (s.isNull() || s.text().isBlank())) {
                error(s.pos(), key + ": needs a value");
                return null;
            }
            return s;
        }

        /** "schema.table" → {schema, table}; a bare table → {null, table} unless the schema is required. */
        private String[] qualified(Scalar s, boolean schemaRequired) {
            String text = s.text();
            int dot = text.indexOf('.');
            if (dot < 0) {
                if (schemaRequired) {
                    error(s.pos(), "source table " + text + " needs its schema: schema.table");
                    return null;
                }
                return new String[] {null, text};
            }
            if (dot == 0 || dot == text.length() - 1 || text.indexOf('.', dot + 1) >= 0) {
                error(s.pos(), "expected schema.table, not " + text);
                return null;
            }
            return new String[] {text.substring(0, dot), text.substring(dot + 1)};
        }

        private static Pos pos(Node n) {
            Mark m = n.getStartMark();
            return new Pos(m.getLine() + 1, m.getColumn() + 1);
        }

        private void error(Node n, String message) {
            error(pos(n), message);
        }

        private void error(Pos p, String message) {
            problems.add(new Problem(file, p.line(), p.column(), message));
        }

        private static String closest(String key, Set<String> allowed) {
            String best = null;
            int bestD = 3;
            for (String a : allowed) {
                int d = distance(key.toLowerCase(Locale.ROOT), a);
                if (d < bestD) {
                    bestD = d;
                    best = a;
                }
            }
            return best;
        }

        private static int distance(String a, String b) {
            int[] prev = new int[b.length() + 1];
            int[] cur = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                prev[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                cur[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                    cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            return prev[b.length()];
        }
    }
}
