package io.paraverse.cloud;

import java.util.Map;
import java.util.Objects;

/**
 * What a provisioner persists about one migration's target. There is deliberately no password field: the
 * password is found through {@code credentialRef}.
 */
public record ProvisionerState(String migrationId, String kind, String host, int port, String user, String jdbcUrl,
                               CredentialRef credentialRef, Map<String, String> details) {

    public ProvisionerState {
        Objects.requireNonNull(migrationId, "migrationId");
        Objects.requireNonNull(kind, "kind");
        details = Map.copyOf(details == null ? Map.of() : details);
    }

    public ProvisionerState withAddress(String newHost, int newPort, String newJdbcUrl, Map<String, String> newDetails) {
        return new ProvisionerState(migrationId, kind, newHost, newPort, user, newJdbcUrl, credentialRef, newDetails);
    }
}
