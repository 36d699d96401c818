package io.paraverse.translator.mapping;

import java.util.List;

/** The parsed mapping file: what it says and where (1-based line and column), before it meets the schemas. */
final class Spec {
    private Spec() { }

    record Pos(int line, int column) { }

    /** A scalar of the file: its text ({@code null} for YAML null) and position. */
    record Scalar(String text, Pos pos) {
        boolean isNull() { return text == null; }
    }

    record TableSpec(Scalar source, String schema, String table, List<TargetSpec> targets) { }

    /**
     * One target table of a source table. {@code schema} is null when the file names the table without one (the
     * source's schema then).
     */
    record TargetSpec(Scalar name, String schema, String table, Pos pos, boolean copyAll, List<Scalar> drop,
                      List<ColumnSpec> columns, Cond where) { }

    /** One entry under {@code columns:}: a target column and where its value comes from. */
    record ColumnSpec(Scalar target, Scalar from, Scalar value, boolean hasValue, Scalar defaultValue, Scalar convert,
                      Scalar charset) { }

    /** A row filter condition. */
    sealed interface Cond permits All, Any, Test { Pos pos(); }

    record All(List<Cond> parts, Pos pos) implements Cond { }

    record Any(List<Cond> parts, Pos pos) implements Cond { }

    enum TestOp { EQUALS, NOT_EQUALS, IN, NOT_IN, IS_NULL, IS_NOT_NULL }

    record Test(Scalar column, TestOp op, List<Scalar> values, Pos pos) implements Cond { }
}
