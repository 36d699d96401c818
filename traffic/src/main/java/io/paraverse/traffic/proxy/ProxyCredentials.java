package io.paraverse.traffic.proxy;

import java.util.Map;
import java.util.Optional;

/**
 * Passwords of the application's database users, so the proxy can open an equivalent session on the new server for a
 * connection that authenticated to the old one. Passwords are only used to compute mysql_native_password responses;
 * the proxy never logs them or puts them in messages.
 */
@FunctionalInterface
public interface ProxyCredentials {
    /** The password of {@code user}, or empty when it is not known (such sessions are closed between transactions). */
    Optional<String> passwordFor(String user);

    /** No passwords: every session is closed (between transactions) at a switch, and the client reconnects. */
    static ProxyCredentials none() {
        return user -> Optional.empty();
    }

    /** Fixed user -> password pairs. */
    static ProxyCredentials of(Map<String, String> passwords) {
        Map<String, String> copy = Map.copyOf(passwords);
        return user -> Optional.ofNullable(copy.get(user));
    }
}
