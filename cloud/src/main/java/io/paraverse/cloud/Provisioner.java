package io.paraverse.cloud;

import java.util.Optional;

/**
 * Provides the target server of a migration. State is persisted per migration id, so after a restart of the
 * process {@link #provision(String)} returns the same server (restarting it if the provisioner runs it) rather than
 * a new empty one.
 */
public interface Provisioner {

    /** Creates the target for this migration, or, if state for the id is persisted, finds it again (restarting it if needed). */
    ProvisionedServer provision(String migrationId);

    /** The target of this migration if it is provisioned and usable now; creates and starts nothing. */
    Optional<ProvisionedServer> find(String migrationId);

    /** Releases the target of this migration and forgets its state; nothing to do if there is none. */
    void teardown(String migrationId);

    /** The provisioner's name in configuration and state files: "local", "existing". */
    String kind();
}
