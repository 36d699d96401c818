package io.paraverse.journal;

import io.paraverse.translator.Column;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Throughput sanity check, not a test (surefire does not run it): writes rows of 4 columns in transactions,
 * syncs, then reads them all back, printing rows/s for both.
 * Usage: {@code JournalBench [rows=1000000] [rowsPerTx=10] [dir=<temp>]}.
 */
public final class JournalBench {
    private JournalBench() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int perTx = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("journal-bench");
        TableDef table = new TableDef("shop", "orders", List.of(Column.of("id", SqlType.BIGINT),
                Column.of("customer", SqlType.VARCHAR), Column.of("amount", SqlType.DECIMAL),
                Column.of("created", SqlType.DATETIME)), List.of("id"));
        try {
            for (int round = 1; round <= 2; round++) { // round 1 warms the JIT
                deleteAll(dir);
                run(dir, table, round == 1 ? rows / 5 : rows, perTx, round == 2);
            }
        } finally {
            deleteAll(dir);
        }
    }

    private static void run(Path dir, TableDef table, int rows, int perTx, boolean print) throws Exception {
        long start = System.nanoTime();
        long commits = 0;
        try (SegmentJournal journal = SegmentJournal.open(dir, JournalOptions.defaults())) {
            JournalWriter w = journal.writer();
            long tx = 0;
            for (int i = 0; i < rows; i++) {
                if (i % perTx == 0) {
                    tx++;
                }
                SourcePosition pos = new SourcePosition("0-1-" + tx, "0-1-" + tx, "mariadb-bin.000042", 4L + i * 100L);
                w.append(new RowChange(table, RowChange.Op.INSERT, null, new Object[] {(long) i, "customer-" + (i % 1000),
                        BigDecimal.valueOf(i, 2), "2024-02-29 13:45:00.123456"}, pos, 1_700_000_000_000L));
                if (i % perTx == perTx - 1 || i == rows - 1) {
                    w.commit(new Commit(pos, 1_700_000_000_000L));
                    commits++;
                }
            }
            w.sync();
            long written = System.nanoTime();
            long bytes = journal.sizeBytes();

            long readRows = 0;
            try (JournalReader r = journal.readAfter(0)) {
                for (long n = 0; n < rows + commits; n++) {
                    if (r.poll(10, TimeUnit.SECONDS) instanceof JournalEntry.Row) {
                        readRows++;
                    }
                }
            }
            long read = System.nanoTime();
            if (readRows != rows) {
                throw new IllegalStateException("read " + readRows + " rows, wrote " + rows);
            }
            if (print) {
                System.out.printf("rows=%d rowsPerTx=%d commits=%d journal=%.1f MiB (%.0f bytes/row incl. commits)%n",
                        rows, perTx, commits, bytes / 1048576.0, (double) bytes / rows);
                System.out.printf("write+sync: %.2f s, %,.0f rows/s%n", (written - start) / 1e9,
                        rows / ((written - start) / 1e9));
                System.out.printf("read:       %.2f s, %,.0f rows/s%n", (read - written) / 1e9,
                        rows / ((read - written) / 1e9));
            }
        }
    }

    private static void deleteAll(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }
}
