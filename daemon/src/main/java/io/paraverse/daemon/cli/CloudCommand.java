package io.paraverse.daemon.cli;

import io.paraverse.cloud.ec2.Ec2Clients;
import io.paraverse.cloud.ec2.Ec2Reaper;
import io.paraverse.cloud.ec2.Ec2Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code paraverse cloud reap [--dry-run]}: cloud resources Paraverse left behind. */
@Command(name = "cloud", mixinStandardHelpOptions = true, subcommands = CloudCommand.Reap.class,
        description = "Cloud resources made by Paraverse (EC2 targets; cloud/README-ec2.md).")
public final class CloudCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "reap", mixinStandardHelpOptions = true,
            description = {"Terminate EC2 instances launched by Paraverse whose paraverse:expires-at tag has passed",
                    "(left by a crashed or removed daemon). Instances that became production after a cutover",
                    "carry no expiry and are never touched. AWS credentials: the SDK's default chain."})
    static final class Reap implements Callable<Integer> {
        @Option(names = "--dry-run", description = "list what would be terminated, terminate nothing")
        boolean dryRun;
        @Option(names = "--region", description = "AWS region (default: the SDK's chain, e.g. AWS_REGION)")
        String region;
        @Option(names = "--owner", description = "only instances tagged paraverse:owner=OWNER")
        String owner;
        @Option(names = "--endpoint", description = "another EC2 endpoint URL (a VPC endpoint)", hidden = true)
        URI endpoint;
        @Option(names = "--json", description = "print the instances found as JSON") boolean json;

        @Override
        public Integer call() {
            try (var client = Ec2Clients.create(new Ec2Settings().region(region).endpoint(endpoint))) {
                List<Ec2Reaper.Candidate> found = new Ec2Reaper(client, Clock.systemUTC()).reap(dryRun, owner);
                if (json) {
                    System.out.println(new com.fasterxml.jackson.databind.ObjectMapper()
                            .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writerWithDefaultPrettyPrinter()
                            .writeValueAsString(java.util.Map.of("dryRun", dryRun, "instances", found)));
                } else {
                    print(System.out, found, dryRun);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            } catch (software.amazon.awssdk.core.exception.SdkException e) {
                throw new IllegalStateException("cannot list or terminate EC2 instances" + (region == null ? "" : " in " + region)
                        + ": " + e.getMessage() + ". Check the region (--region or AWS_REGION), the credentials (SDK default"
                        + " chain) and the IAM permissions ec2:DescribeInstances, ec2:TerminateInstances", e);
            }
            return 0;
        }

        static void print(PrintStream out, List<Ec2Reaper.Candidate> found, boolean dryRun) {
            String fmt = "%-20s %-24s %-16s %-10s %-21s %s%n";
            out.printf(fmt, "instance", "migration", "owner", "state", "expires-at", "action");
            for (Ec2Reaper.Candidate c : found) {
                String action = !c.expired() ? "kept" : c.terminated() ? "terminated" : dryRun ? "would terminate" : "not terminated";
                out.printf(fmt, c.instanceId(), c.migration(), c.owner(), c.state(), c.expiresAt(), action);
            }
            long expired = found.stream().filter(Ec2Reaper.Candidate::expired).count();
            out.println(found.size() + " Paraverse instance(s) with an expiry, " + expired + " expired"
                    + (dryRun ? " (dry run: nothing terminated)" : ", terminated"));
        }
    }
}
