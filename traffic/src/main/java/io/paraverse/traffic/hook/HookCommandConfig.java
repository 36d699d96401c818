package io.paraverse.traffic.hook;

import io.paraverse.traffic.Endpoint;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The operator's command that moves traffic (DNS, a cloud load balancer, a service mesh...), run at each cutover step.
 *
 * @param command          program and arguments, run as is: no shell unless the operator writes {@code sh -c ...}
 * @param migration        the migration's name, given to the command as PARAVERSE_MIGRATION
 * @param productionServer production's endpoint
 * @param cloneServer      the clone's endpoint
 * @param environment      extra environment variables for the command (not logged: they may hold secrets)
 * @param stepTimeout      how long one step's command may run (fence: on top of the fence timeout)
 * @param workingDirectory where the command runs; null for this process's working directory
 */
public record HookCommandConfig(List<String> command, String migration, Endpoint productionServer, Endpoint cloneServer,
                                Map<String, String> environment, Duration stepTimeout, Path workingDirectory) {
    public HookCommandConfig {
        if (command == null || command.isEmpty() || command.get(0).isBlank()) {
            throw new IllegalArgumentException("hook switch: the command is empty; give the program to run and its"
                    + " arguments");
        }
        command = List.copyOf(command);
        Objects.requireNonNull(migration, "migration");
        Objects.requireNonNull(productionServer, "productionServer");
        Objects.requireNonNull(cloneServer, "cloneServer");
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        stepTimeout = stepTimeout == null ? Duration.ofSeconds(60) : stepTimeout;
    }

    /** Without extra environment, with a 60 s step timeout, in this process's working directory. */
    public HookCommandConfig(List<String> command, String migration, Endpoint productionServer, Endpoint cloneServer) {
        this(command, migration, productionServer, cloneServer, null, null, null);
    }

    @Override
    public String toString() {
        return "hook " + command.get(0) + " for migration " + migration + " (extra environment: "
                + environment.keySet() + ")";
    }
}
