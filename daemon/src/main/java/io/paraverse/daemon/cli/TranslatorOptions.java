package io.paraverse.daemon.cli;

import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.Translator;
import io.paraverse.translator.TranslatorChain;
import io.paraverse.translator.TranslatorRegistry;
import io.paraverse.translator.mapping.MappingFile;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * How changes are translated, for every command that applies them: translators selected by name (from the class path
 * and a plugin directory of jars), declarative mapping files, tables whose changes are dropped on purpose, and identity
 * translation for every other table.
 */
public final class TranslatorOptions {
    @Option(names = "--translator", split = ",", paramLabel = "NAME",
            description = "translators by name (ServiceLoader: the class path and --plugin-dir)")
    List<String> names = new ArrayList<>();
    @Option(names = "--plugin-dir", paramLabel = "DIR", description = "directory of translator jars")
    Path pluginDir;
    @Option(names = "--mapping", paramLabel = "FILE", description = "declarative mapping file (YAML); validated against both schemas at start")
    List<Path> mappings = new ArrayList<>();
    @Option(names = "--drop", split = ",", paramLabel = "DB.TABLE", description = "source tables whose changes are dropped on purpose")
    List<String> drop = new ArrayList<>();

    /** Connections to validate mappings against: the old (source) schema and the new (target) one. */
    public interface Schemas {
        Connection source() throws SQLException;

        Connection target() throws SQLException;
    }

    boolean identityOnly() {
        return names.isEmpty() && mappings.isEmpty() && drop.isEmpty();
    }

    /** The translator to run: identity when nothing is configured, otherwise a chain (fails fast, naming what is wrong). */
    public Translator build(Schemas schemas) throws SQLException, java.io.IOException {
        if (identityOnly()) {
            return new IdentityTranslator();
        }
        List<Translator> selected = new ArrayList<>();
        if (!names.isEmpty()) {
            // kept open for the life of the process: the plugins' classes are loaded from it
            TranslatorRegistry registry = pluginDir == null ? TranslatorRegistry.fromClassPath() : TranslatorRegistry.load(pluginDir);
            selected.addAll(registry.select(names));
        }
        if (!mappings.isEmpty()) {
            try (Connection s = schemas.source(); Connection t = schemas.target()) {
                for (Path m : mappings) {
                    selected.add(MappingFile.parse(m).validate(s, t));
                }
            }
        }
        return TranslatorChain.builder().translators(selected).drop(drop).build();
    }
}
