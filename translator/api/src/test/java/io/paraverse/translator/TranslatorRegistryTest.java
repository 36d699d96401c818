package io.paraverse.translator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class TranslatorRegistryTest {
    @TempDir Path dir;

    private static PluginJar good() {
        return new PluginJar().translator("plugins.good.GoodTranslator", "good", "shop.orders", "");
    }

    private static TranslatorConfigurationException loadFails(Path plugins) {
        return assertThrows(TranslatorConfigurationException.class,
                () -> TranslatorRegistry.load(TranslatorRegistryTest.class.getClassLoader(), plugins));
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), () -> "'" + p + "' missing from: " + message);
        }
    }

    @Test
    void findsTranslatorsOnTheClassPathAndInPluginJarsByName() throws IOException {
        Path jar = good().write(dir.resolve("plugins/good.jar"));
        try (TranslatorRegistry r = TranslatorRegistry.load(dir.resolve("plugins"))) {
            assertEquals(Set.of("class-path-test", "good"), r.names());
            Translator good = r.get("good");
            assertEquals("plugins.good.GoodTranslator", good.getClass().getName());
            assertEquals(Set.of("shop.orders"), good.sourceTables());
            assertEquals(jar.toString(), r.find("good").orElseThrow().origin());
            // its own loader, whose parent is the application loader: it shares the API classes with us
            assertNotSame(getClass().getClassLoader(), good.getClass().getClassLoader());
            assertSame(getClass().getClassLoader(), good.getClass().getClassLoader().getParent());
            assertInstanceOf(ClassPathTestTranslator.class, r.get("class-path-test"));
            assertEquals(List.of(good, r.get("class-path-test")), r.select(List.of("good", "class-path-test")));
        }
    }

    @Test
    void missingNameListsTheAvailableOnes() {
        try (TranslatorRegistry r = TranslatorRegistry.fromClassPath()) {
            TranslatorConfigurationException e = assertThrows(TranslatorConfigurationException.class, () -> r.get("cur-to-page"));
            assertMentions(e.getMessage(), "no translator named 'cur-to-page'", "available: class-path-test");
        }
    }

    @Test
    void duplicateNameNamesBothClassesAndJars() throws IOException {
        Path a = good().write(dir.resolve("a.jar"));
        Path b = new PluginJar().translator("plugins.other.OtherTranslator", "good", "shop.users", "").write(dir.resolve("b.jar"));
        String m = loadFails(dir).getMessage();
        assertMentions(m, "translator name 'good' is provided more than once", "plugins.good.GoodTranslator (" + a + ")",
                "plugins.other.OtherTranslator (" + b + ")");
    }

    @Test
    void pluginDuplicatingAClassPathTranslatorIsRejected() throws IOException {
        Path jar = new PluginJar().translator("plugins.dup.Copy", "class-path-test", "x.y", "").write(dir.resolve("copy.jar"));
        assertMentions(loadFails(dir).getMessage(), "'class-path-test' is provided more than once",
                ClassPathTestTranslator.class.getName(), "plugins.dup.Copy (" + jar + ")");
    }

    @Test
    void constructorThatThrowsNamesJarClassAndCause() throws IOException {
        Path jar = new PluginJar().translator("plugins.bad.ThrowingTranslator", "bad", "shop.orders",
                "throw new IllegalStateException(\"needs wiki.conf\");").write(dir.resolve("throwing.jar"));
        good().write(dir.resolve("good.jar"));
        assertMentions(loadFails(dir).getMessage(), "META-INF/services/io.paraverse.translator.Translator in " + jar
                + " names plugins.bad.ThrowingTranslator", "could not be instantiated", "IllegalStateException: needs wiki.conf");
    }

    @Test
    void servicesEntryNamingAMissingClassNamesJarAndClass() throws IOException {
        Path jar = good().service("plugins.gone.MissingTranslator").write(dir.resolve("missing.jar"));
        assertMentions(loadFails(dir).getMessage(), "in " + jar + " names plugins.gone.MissingTranslator", "not found");
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        Path missing = new PluginJar().service("plugins.gone.MissingTranslator").write(dir.resolve("1-missing.jar"));
        Path throwing = new PluginJar().translator("plugins.bad.ThrowingTranslator", "bad", "s.t",
                "throw new IllegalStateException(\"boom\");").write(dir.resolve("2-throwing.jar"));
        good().write(dir.resolve("3-a.jar"));
        good().write(dir.resolve("4-b.jar"));
        String m = loadFails(dir).getMessage();
        assertMentions(m, missing.toString(), throwing.toString(), "'good' is provided more than once");
    }

    @Test
    void pluginSubDirectoryIsOnePluginWithItsLibraries() throws IOException {
        Path plugin = dir.resolve("wiki");
        PluginJar all = new PluginJar()
                .source("lib.Names", "package lib; public final class Names { public static String of() { return \"from-lib\"; } }")
                .translator("plugins.wiki.WikiTranslator", "wiki", "wiki.*", "");
        all.source("plugins.wiki.WikiTranslator", "package plugins.wiki;\nimport io.paraverse.translator.*;\nimport java.util.*;\n"
                + "public final class WikiTranslator extends AbstractTranslator {\n"
                + "  @Override public String name() { return lib.Names.of(); }\n"
                + "  @Override public Set<String> sourceTables() { return Set.of(\"wiki.*\"); }\n"
                + "  @Override public List<TargetOp> translate(RowChange c, TranslationContext ctx) { return List.of(); }\n}\n");
        all.omit("lib.Names").write(plugin.resolve("wiki.jar"));
        new PluginJar().source("lib.Names", "package lib; public final class Names { public static String of() { return \"from-lib\"; } }")
                .write(plugin.resolve("lib.jar"));
        try (TranslatorRegistry r = TranslatorRegistry.load(dir)) {
            assertEquals("plugins.wiki.WikiTranslator", r.get("from-lib").getClass().getName());
            assertEquals(plugin.resolve("wiki.jar").toString(), r.find("from-lib").orElseThrow().origin());
        }
    }

    @Test
    void pluginDirectoryMustExist() {
        assertMentions(loadFails(dir.resolve("nope")).getMessage(), "plugin directory", "nope");
    }
}
