package io.paraverse.daemon.cli;

import io.paraverse.daemon.pipeline.TranslatorSetup;
import io.paraverse.translator.Translator;
import picocli.CommandLine.Option;

import java.nio.file.Path;
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

    boolean identityOnly() {
        return names.isEmpty() && mappings.isEmpty() && drop.isEmpty();
    }

    /** The translator to run: identity when nothing is configured, otherwise a chain (fails fast, naming what is wrong). */
    public Translator build(TranslatorSetup.Schemas schemas) throws SQLException, java.io.IOException {
        return TranslatorSetup.build(names, pluginDir, mappings, drop, schemas);
    }
}
