package io.paraverse.daemon.cli.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;

/** Text renderings of the API's migration documents: a table of migrations, one migration in detail. */
final class StatusView {
    private StatusView() { }

    static void table(JsonNode list, PrintStream out) {
        out.printf("%-24s %-12s %-22s %10s %10s  %s%n", "MIGRATION", "PHASE", "SINCE", "LAG (s)", "BEHIND", "FAILURE");
        for (JsonNode m : list.path("migrations")) {
            out.printf("%-24s %-12s %-22s %10s %10s  %s%n", m.path("name").asText(), m.path("phase").asText(),
                    m.path("phaseSince").asText().replaceFirst("\\.\\d+Z$", "Z"), number(m.path("lagSeconds"), "%.1f"),
                    number(m.path("transactionsBehind"), "%,.0f"), m.path("failure").isNull() ? "" : m.path("failure").asText());
        }
        if (list.path("migrations").isEmpty()) {
            out.println("(no migrations: `paraverse start MIGRATION.yaml`)");
        }
    }

    static void detail(JsonNode m, PrintStream out) {
        out.println(m.path("name").asText() + ": " + m.path("phase").asText() + " since " + m.path("phaseSince").asText()
                + (m.path("interrupted").isNull() ? "" : " (interrupted " + m.path("interrupted").asText() + ")"));
        if (!m.path("status").isNull()) {
            out.println("  " + m.path("status").asText());
        }
        if (!m.path("lastError").isNull()) {
            out.println("  last error: " + m.path("lastError").path("message").asText());
        }
        if (!m.path("clonePoint").isNull()) {
            out.println("  clone point: " + m.path("clonePoint").asText());
        }
        JsonNode copy = m.path("copy");
        if (!copy.isEmpty()) {
            out.println("  copy:");
            for (JsonNode t : copy) {
                long done = t.path("rowsCopied").asLong();
                long total = Math.max(done, t.path("estimatedRows").asLong());
                out.printf("    %-40s %s %,d / ~%,d rows%s%n", t.path("table").asText(), bar(done, total, 24), done, total,
                        t.path("etaSeconds").isNull() ? "" : ", ETA " + t.path("etaSeconds").asLong() + " s");
            }
        }
        out.println("  timeline:");
        for (JsonNode t : m.path("timeline")) {
            out.println("    " + t.path("at").asText() + "  " + (t.path("from").isNull() ? "" : t.path("from").asText() + " -> ")
                    + t.path("to").asText() + (t.path("reason").isNull() ? "" : "  (" + t.path("reason").asText() + ")"));
        }
    }

    private static String number(JsonNode n, String format) {
        return n.isNull() || n.isMissingNode() ? "-" : String.format(format, n.asDouble());
    }

    /** {@code [#########...........]  45%}: fraction done of a table copy. */
    static String bar(long done, long total, int width) {
        double f = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(f * width);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + String.format("%3.0f%%", f * 100);
    }
}
