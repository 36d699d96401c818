package io.paraverse.translator.mapping;

import java.util.List;

/**
 * A mapping file is malformed or does not fit the real schemas. Lists every problem found, each naming the file,
 * line and column (1-based) of the YAML it is about.
 */
public final class MappingException extends RuntimeException {
    private final List<Problem> problems;

    /** One problem at a place in the mapping file. */
    public record Problem(String file, int line, int column, String message) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + column + ": " + message;
        }
    }

    MappingException(List<Problem> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() { return problems; }

    private static String format(List<Problem> problems) {
        StringBuilder sb = new StringBuilder();
        sb.append(problems.size() == 1 ? "1 problem" : problems.size() + " problems").append(" in mapping ")
                .append(problems.isEmpty() ? "?" : problems.get(0).file()).append(':');
        for (Problem p : problems) {
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }
}
