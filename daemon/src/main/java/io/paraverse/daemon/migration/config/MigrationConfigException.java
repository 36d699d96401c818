package io.paraverse.daemon.migration.config;

import java.util.List;

/** The migration file is invalid: every problem found, each naming its field path (and line:column where known). */
public final class MigrationConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> problems;

    public MigrationConfigException(String file, List<String> problems) {
        super(file + " is not a valid migration (" + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + "):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, e.g. {@code source.port: must be 1-65535, got 70000}. */
    public List<String> problems() {
        return problems;
    }
}
