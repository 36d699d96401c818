package io.paraverse.daemon.migration.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.util.HashMap;
import java.util.Map;

/** Line and column of each key and list item of a YAML document, by dotted path ({@code source.port}, {@code a.b[1]}). */
final class YamlPositions {
    private final Map<String, Mark> marks = new HashMap<>();

    private YamlPositions() { }

    /** Never fails: a document that does not compose has no positions (the parser reports its syntax error). */
    static YamlPositions of(String yaml) {
        YamlPositions p = new YamlPositions();
        try {
            LoaderOptions o = new LoaderOptions();
            o.setAllowDuplicateKeys(true);
            Node root = new Yaml(o).compose(new StringReader(yaml));
            if (root != null) {
                p.walk(root, "");
            }
        } catch (RuntimeException e) {
            // syntax errors are reported by Jackson with their position
        }
        return p;
    }

    private void walk(Node node, String path) {
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k) {
                    String p = path.isEmpty() ? k.getValue() : path + "." + k.getValue();
                    marks.putIfAbsent(p, k.getStartMark());
                    walk(t.getValueNode(), p);
                }
            }
        } else if (node instanceof SequenceNode s) {
            for (int i = 0; i < s.getValue().size(); i++) {
                String p = path + "[" + i + "]";
                marks.putIfAbsent(p, s.getValue().get(i).getStartMark());
                walk(s.getValue().get(i), p);
            }
        }
    }

    /** " (line L:C)" for the path, or for its nearest ancestor that has a position; "" if none. */
    String at(String path) {
        String p = path;
        while (p != null && !p.isEmpty()) {
            Mark m = marks.get(p);
            if (m != null) {
                return " (line " + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ")";
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? null : p.substring(0, cut);
        }
        return "";
    }
}
