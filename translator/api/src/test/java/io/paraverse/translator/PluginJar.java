package io.paraverse.translator;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds a real plugin jar at test time: compiles sources against the translator API and writes the services file. */
final class PluginJar {
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<String> services = new ArrayList<>();
    private final List<String> omit = new ArrayList<>();

    /** A translator class {@code pkg.Name} with this name, claims and constructor body. */
    PluginJar translator(String className, String name, String claims, String constructorBody) {
        int dot = className.lastIndexOf('.');
        String pkg = className.substring(0, dot);
        String simple = className.substring(dot + 1);
        return source(className, "package " + pkg + ";\n"
                + "import io.paraverse.translator.*;\nimport java.util.*;\n"
                + "public final class " + simple + " extends AbstractTranslator {\n"
                + "  public " + simple + "() { " + constructorBody + " }\n"
                + "  @Override public String name() { return \"" + name + "\"; }\n"
                + "  @Override public Set<String> sourceTables() { return Set.of(\"" + claims + "\"); }\n"
                + "  @Override public List<TargetOp> translate(RowChange c, TranslationContext ctx) { return List.of(); }\n"
                + "}\n").service(className);
    }

    PluginJar source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /** A line of META-INF/services/io.paraverse.translator.Translator. */
    PluginJar service(String line) {
        services.add(line);
        return this;
    }

    /** Leave this compiled class out of the jar (a dependency shipped elsewhere, or missing). */
    PluginJar omit(String className) {
        omit.add(className);
        return this;
    }

    /** Compiles, then writes the jar to {@code jar}. */
    Path write(Path jar) throws IOException {
        Path work = Files.createTempDirectory("plugin-src");
        Path out = work.resolve("classes");
        Files.createDirectories(out);
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "--release", "17",
                "-classpath", apiClassPath()));
        for (Map.Entry<String, String> s : sources.entrySet()) {
            Path f = work.resolve("src").resolve(s.getKey().replace('.', '/') + ".java");
            Files.createDirectories(f.getParent());
            Files.writeString(f, s.getValue());
            args.add(f.toString());
        }
        if (!sources.isEmpty()) {
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int rc = javac.run(null, null, err, args.toArray(new String[0]));
            if (rc != 0) {
                throw new IllegalStateException("javac failed (" + rc + "): " + err);
            }
        }
        Files.createDirectories(jar.getParent());
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar), mf); Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String entry = out.relativize(f).toString().replace('\\', '/');
                String cls = entry.replace('/', '.').replaceAll("\\.class$", "");
                if (omit.contains(cls)) {
                    continue;
                }
                j.putNextEntry(new JarEntry(entry));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
            if (!services.isEmpty()) {
                j.putNextEntry(new JarEntry("META-INF/services/" + Translator.class.getName()));
                OutputStream o = j;
                o.write(("# test plugin\n" + String.join("\n", services) + "\n").getBytes(StandardCharsets.UTF_8));
                j.closeEntry();
            }
        }
        return jar;
    }

    /** Where the API classes are (surefire's java.class.path may be a manifest-only jar). */
    private static String apiClassPath() {
        try {
            return Path.of(Translator.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
