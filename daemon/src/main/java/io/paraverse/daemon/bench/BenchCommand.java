package io.paraverse.daemon.bench;

import picocli.CommandLine.Command;

/** Benchmarks that measure Paraverse side by side with the native tool doing the same job in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {CatchupBench.class, CloneBench.class, CutoverBench.class, TranslateBench.class},
        description = "Benchmarks against native MariaDB tools, measured in the same run on the same data.")
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
