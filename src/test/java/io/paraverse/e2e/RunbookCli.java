package io.paraverse.e2e;

import io.paraverse.daemon.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a runbook command line ({@code paraverse ...} without the {@code bin/}) in-process through the real CLI, as
 * {@code bin/paraverse} would, and keeps what it printed. The runbook commands print to System.out/err, so both are
 * redirected for the call (tests run one at a time in this module).
 */
final class RunbookCli {
    /** What one command did: its exit code and its output. */
    record Run(String command, int exit, String out, String err) {
        @Override
        public String toString() {
            return "$ " + command + "\nexit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private RunbookCli() { }

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            var cli = Main.commandLine();
            cli.setOut(new java.io.PrintWriter(o, true));
            cli.setErr(new java.io.PrintWriter(e, true));
            exit = cli.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        Run r = new Run("paraverse " + String.join(" ", args), exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        oldOut.println(r); // the transcript, for whoever reads the test log
        return r;
    }

    /** {@code args} with {@code --url URL --token-file FILE} appended (the daemon of the test). */
    static String[] against(String url, java.nio.file.Path tokenFile, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", url, "--token-file", tokenFile.toString()));
        return all.toArray(String[]::new);
    }
}
