package io.paraverse.daemon;

import io.paraverse.daemon.bench.BenchCommand;
import io.paraverse.daemon.cli.CloneCommand;
import io.paraverse.daemon.cli.ReplicateCommand;
import io.paraverse.daemon.cli.TranslateCheckCommand;
import io.paraverse.daemon.cli.SkipCommand;
import io.paraverse.daemon.demo.DemoCommand;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code paraverse} command line. Exit codes: 0 success, 1 the operation failed (for demo and bench: the
 * data was not proven equal), 2 bad usage.
 */
@Command(name = "paraverse", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Zero-downtime upgrades of MySQL/MariaDB applications across incompatible schema changes.",
        subcommands = {DemoCommand.class, io.paraverse.daemon.cli.DaemonCommand.class,
                io.paraverse.daemon.cli.client.StartCommand.class, io.paraverse.daemon.cli.client.StatusCommand.class,
                io.paraverse.daemon.cli.client.OperatorRequestCommands.Pause.class, io.paraverse.daemon.cli.client.OperatorRequestCommands.Resume.class,
                io.paraverse.daemon.cli.client.OperatorRequestCommands.Abort.class, io.paraverse.daemon.cli.client.OperatorRequestCommands.AcknowledgeDdl.class,
                io.paraverse.daemon.cli.client.UpgradeLogCommand.class, io.paraverse.daemon.cli.client.CutoverCommand.class, io.paraverse.daemon.cli.client.ForgetCommand.class, io.paraverse.daemon.cli.MigrationCommand.class, BenchCommand.class, CloneCommand.class, ReplicateCommand.class, TranslateCheckCommand.class, SkipCommand.class, io.paraverse.daemon.cli.PreflightCommand.class, io.paraverse.daemon.cli.VerifyCommand.class, io.paraverse.daemon.cli.CloudCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the operation failed or the data was not proven equal", "2:bad usage"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger(); // the binlog client logs through java.util.logging
        SLF4JBridgeHandler.install();
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Main::reportFailure);
    }

    /** A failed command prints what went wrong in one line (the cause chain), the stack only at DEBUG. */
    private static int reportFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        StringBuilder msg = new StringBuilder("paraverse ").append(cmd.getCommandName()).append(": ").append(e.getMessage());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !msg.toString().contains(c.getMessage())) {
                msg.append(": ").append(c.getMessage());
            }
        }
        cmd.getErr().println(msg);
        if ("DEBUG".equalsIgnoreCase(System.getenv("PARAVERSE_LOG_LEVEL"))) {
            e.printStackTrace(cmd.getErr());
        }
        return 1;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"paraverse " + (v == null ? "dev" : v)};
        }
    }
}
