package io.paraverse.daemon.pipeline;

import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.Translator;
import io.paraverse.translator.TranslatorChain;
import io.paraverse.translator.TranslatorRegistry;
import io.paraverse.translator.mapping.MappingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the translator a pipeline applies with: translators selected by name (class path and a plugin directory),
 * mapping files validated against the real source and target schemas, tables dropped on purpose, identity for the
 * rest. With nothing configured: plain identity.
 */
public final class TranslatorSetup {
    private TranslatorSetup() { }

    /** Connections to validate mappings against: the old (source) schema and the new (target) one. */
    public interface Schemas {
        Connection source() throws SQLException;

        Connection target() throws SQLException;

        static Schemas of(Endpoint source, Endpoint target) {
            return new Schemas() {
                @Override public Connection source() throws SQLException {
                    return connect(source);
                }

                @Override public Connection target() throws SQLException {
                    return connect(target);
                }
            };
        }
    }

    public static Translator build(List<String> names, Path pluginDir, List<Path> mappings, List<String> drop, Schemas schemas)
            throws SQLException, IOException {
        if (names.isEmpty() && mappings.isEmpty() && drop.isEmpty()) {
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

    private static Connection connect(Endpoint e) throws SQLException {
        if (e == null) {
            throw new IllegalArgumentException("mapping files are validated against the source and target schemas: give both servers");
        }
        return DriverManager.getConnection(e.jdbcUrl(""), e.user(), e.password());
    }
}
