package io.paraverse.translator;

import java.util.Map;

/**
 * What a translator may use besides its input. Kept small on purpose; persistent id maps and lookups join it
 * as the translator SPI grows, with default methods so existing translators keep compiling.
 */
public interface TranslationContext {

    /** The translator's own configuration from the migration definition (never null). */
    Map<String, String> config();

    /** Target schema that source schema {@code sourceSchema} maps to (identity unless configured). */
    default String targetSchema(String sourceSchema) {
        return sourceSchema;
    }

    static TranslationContext of(Map<String, String> config, Map<String, String> schemaMap) {
        Map<String, String> cfg = Map.copyOf(config);
        Map<String, String> schemas = Map.copyOf(schemaMap);
        return new TranslationContext() {
            @Override public Map<String, String> config() { return cfg; }
            @Override public String targetSchema(String s) { return schemas.getOrDefault(s, s); }
        };
    }
}
