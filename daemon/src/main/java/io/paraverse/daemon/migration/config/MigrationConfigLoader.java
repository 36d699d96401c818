package io.paraverse.daemon.migration.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Reads a migration file: Jackson YAML binds it to {@link MigrationConfig} records while every unknown key and
 * mistyped value is collected (with its path and line:column), relative paths are resolved against the file's
 * directory, and {@link MigrationValidator} checks the values. Every problem is reported at once in a
 * {@link MigrationConfigException}; nothing is returned unless the whole file is valid.
 */
public final class MigrationConfigLoader {

    private MigrationConfigLoader() { }

    public static MigrationConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MigrationConfigException(file.toString(), List.of("cannot read the file: " + e.getMessage()));
        }
        Path base = file.toAbsolutePath().normalize().getParent();
        return parse(file.toString(), text, base);
    }

    /** Parses YAML text; relative paths resolve against {@code baseDir}; {@code fileName} names it in the error. */
    public static MigrationConfig parse(String fileName, String yaml, Path baseDir) {
        List<String> problems = new ArrayList<>();
        YamlPositions positions = YamlPositions.of(yaml);
        MigrationConfig raw = bind(yaml, positions, problems);
        if (raw == null && problems.isEmpty()) {
            problems.add("the file is empty; expected a mapping with name, source, target, clone, upgrade, journal");
        }
        if (raw == null) {
            throw new MigrationConfigException(fileName, problems);
        }
        MigrationConfig resolved = PathResolver.resolve(raw, baseDir);
        for (String problem : MigrationValidator.validate(resolved)) {
            int colon = problem.indexOf(": ");
            problems.add(colon < 0 ? problem : problem + positions.at(problem.substring(0, colon)));
        }
        if (!problems.isEmpty()) {
            throw new MigrationConfigException(fileName, problems);
        }
        return resolved;
    }

    private static MigrationConfig bind(String yaml, YamlPositions positions, List<String> problems) {
        ObjectMapper mapper = YAMLMapper.builder(new YAMLFactory())
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .addHandler(new Collector(problems, positions))
                .build();
        try {
            return mapper.readValue(yaml, MigrationConfig.class);
        } catch (JsonProcessingException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof MarkedYAMLException y) { // a syntax error, possibly wrapped with a path
                    Mark m = y.getProblemMark() != null ? y.getProblemMark() : y.getContextMark();
                    problems.add("YAML syntax: " + (y.getContext() != null ? y.getContext() + ": " : "") + y.getProblem()
                            + (m == null ? "" : " (line " + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ")"));
                    return null;
                }
            }
            String path = e instanceof JsonMappingException jm ? pathOf(jm.getPath()) : "the file";
            String where = positions.at(path);
            problems.add(path + ": " + e.getOriginalMessage() + (where.isEmpty() ? at(e.getLocation()) : where));
        }
        return null;
    }

    /** Records unknown keys and values of the wrong type instead of stopping at the first. */
    private static final class Collector extends DeserializationProblemHandler {
        private final List<String> problems;
        private final YamlPositions positions;

        Collector(List<String> problems, YamlPositions positions) {
            this.problems = problems;
            this.positions = positions;
        }

        /** The position of the value from the document, else where the parser is. */
        private String where(String path, JsonParser p) {
            String w = positions.at(path);
            return w.isEmpty() ? at(p.currentTokenLocation()) : w;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) throws IOException {
            TreeSet<String> known = new TreeSet<>();
            Collection<Object> names = deserializer == null ? null : deserializer.getKnownPropertyNames();
            if (names != null) {
                names.forEach(n -> known.add(String.valueOf(n)));
            }
            // records are built through their creator: unknown keys are replayed from a buffer after the object's
            // end, so the object's path comes from the main parser (whose context is then the object's parent)
            String objectPath = path(ctxt.getParser());
            String path = objectPath.isEmpty() ? propertyName : objectPath + "." + propertyName;
            String hint = known.isEmpty() ? "" : "; known keys here: " + String.join(", ", known);
            problems.add(path + ": unknown key" + where(path, p) + hint);
            p.skipChildren();
            return true;
        }

        @Override
        public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String value,
                                             String failureMsg) {
            JsonParser p = ctxt.getParser();
            String path = path(p);
            problems.add(path + ": expected " + describe(targetType) + ", got '" + value + "'" + where(path, p));
            return null;
        }

        @Override
        public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number value,
                                             String failureMsg) {
            JsonParser p = ctxt.getParser();
            String path = path(p);
            problems.add(path + ": expected " + describe(targetType) + ", got " + value + where(path, p));
            return null;
        }

        @Override
        public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
                                            String failureMsg) throws IOException {
            String got = switch (t == null ? JsonToken.NOT_AVAILABLE : t) {
                case START_ARRAY -> "a list";
                case START_OBJECT -> "a mapping";
                case VALUE_NUMBER_FLOAT -> "a decimal number";
                case VALUE_NUMBER_INT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                default -> "a value of the wrong type";
            };
            String path = path(p);
            problems.add((path.isEmpty() ? "the file" : path) + ": expected " + describe(targetType.getRawClass())
                    + ", got " + got + where(path, p));
            p.skipChildren();
            return null;
        }
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a single value";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a mapping";
    }

    /** The dotted path of the value the parser is on: {@code source.port}, {@code translators.mappings[1]}. */
    static String path(JsonParser p) {
        JsonStreamContext ctx = p.getParsingContext();
        JsonToken t = p.currentToken();
        if ((t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) && ctx.getParent() != null) {
            ctx = ctx.getParent();
        }
        LinkedList<String> parts = new LinkedList<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) {
                parts.addFirst("." + c.getCurrentName());
            } else if (c.inArray()) {
                parts.addFirst("[" + Math.max(0, c.getCurrentIndex()) + "]");
            }
        }
        String s = String.join("", parts);
        return s.startsWith(".") ? s.substring(1) : s;
    }

    private static String pathOf(List<JsonMappingException.Reference> refs) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.length() == 0 ? "the file" : b.toString();
    }

    static String at(JsonLocation loc) {
        if (loc == null || loc.getLineNr() <= 0) {
            return "";
        }
        return String.format(Locale.ROOT, " (line %d:%d)", loc.getLineNr(), loc.getColumnNr());
    }
}
