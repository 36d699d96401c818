package io.paraverse.traffic.haproxy;

import java.time.Duration;
import java.util.Objects;

/**
 * Where HAProxy's runtime API is and which servers of haproxy.cfg the cutover moves clients between.
 *
 * @param statsSocket      the {@code stats socket} of haproxy.cfg, declared with {@code level admin}: a unix socket
 *                         path or {@code host:port}
 * @param backend          the backend (mode tcp) the application's database connections go through
 * @param productionServer the {@code server} line of that backend pointing at production
 * @param cloneServer      the {@code server} line pointing at the clone; declared {@code disabled} so that HAProxy
 *                         sends it nothing before the cutover
 * @param commandTimeout   how long one runtime API command may take
 * @param readyTimeout     how long a server put back to {@code ready} may take to pass its health check
 */
public record HaproxySwitchConfig(String statsSocket, String backend, String productionServer, String cloneServer,
                                  Duration commandTimeout, Duration readyTimeout) {
    public HaproxySwitchConfig {
        Objects.requireNonNull(statsSocket, "statsSocket");
        requireName(backend, "backend");
        requireName(productionServer, "productionServer");
        requireName(cloneServer, "cloneServer");
        if (productionServer.equals(cloneServer)) {
            throw new IllegalArgumentException("HAProxy production and clone server are both '" + productionServer
                    + "': name two different server lines of backend " + backend);
        }
        commandTimeout = commandTimeout == null ? Duration.ofSeconds(5) : commandTimeout;
        readyTimeout = readyTimeout == null ? Duration.ofSeconds(10) : readyTimeout;
    }

    /** With the default timeouts: 5 s per command, 10 s for a server to come up. */
    public HaproxySwitchConfig(String statsSocket, String backend, String productionServer, String cloneServer) {
        this(statsSocket, backend, productionServer, cloneServer, null, null);
    }

    private static void requireName(String name, String what) {
        // these names go into runtime API commands: nothing that could end a command or start another
        if (name == null || !name.matches("[A-Za-z0-9._:-]+")) {
            throw new IllegalArgumentException("HAProxy " + what + " name '" + name
                    + "' is not a plain name (letters, digits, '.', '_', ':', '-')");
        }
    }
}
