package io.paraverse.daemon.upgrade;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the application's upgrade is: steps run in order against the clone, and a time limit for all of them.
 * Plain records, so configuration code can build one directly.
 *
 * @param steps   SQL files and/or external commands, run in this order; at least one
 * @param timeout limit for the whole run (all steps); the running step is killed when it passes
 */
public record UpgradeSpec(List<Step> steps, Duration timeout) {
    public UpgradeSpec {
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("an upgrade needs at least one step");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("upgrade timeout must be positive, got " + timeout);
        }
    }

    public static UpgradeSpec of(Duration timeout, Step... steps) {
        return new UpgradeSpec(List.of(steps), timeout);
    }

    /** One upgrade step. */
    public sealed interface Step permits SqlFile, Command {
        /** Short description for logs and errors. */
        String describe();
    }

    /**
     * An SQL script run statement by statement on one connection to the clone.
     *
     * @param path     the script (UTF-8); see {@link SqlScriptSplitter} for the syntax accepted
     * @param database default database of the connection, or null for none (the script's USE statements decide)
     */
    public record SqlFile(Path path, String database) implements Step {
        public SqlFile {
            Objects.requireNonNull(path, "path");
        }

        public SqlFile(Path path) {
            this(path, null);
        }

        @Override
        public String describe() {
            return "sql " + path.getFileName() + (database == null ? "" : " in " + database);
        }
    }

    /**
     * An external command (no shell unless argv asks for one). Its environment is this process's plus {@code env},
     * plus the clone's connection details (see {@link UpgradeRunner}).
     *
     * @param argv    program and arguments
     * @param workdir working directory, or null for this process's
     * @param env     extra environment variables (may be empty)
     */
    public record Command(List<String> argv, Path workdir, Map<String, String> env) implements Step {
        public Command {
            argv = List.copyOf(Objects.requireNonNull(argv, "argv"));
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("a command needs a program");
            }
            env = env == null ? Map.of() : Map.copyOf(env);
        }

        public Command(List<String> argv) {
            this(argv, null, Map.of());
        }

        @Override
        public String describe() {
            String all = String.join(" ", argv);
            return "command " + (all.length() > 120 ? all.substring(0, 120) + " …" : all);
        }
    }
}
