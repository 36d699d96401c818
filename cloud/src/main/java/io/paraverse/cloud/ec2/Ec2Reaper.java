package io.paraverse.cloud.ec2;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Terminates instances Paraverse launched whose {@code paraverse:expires-at} tag has passed: what a crashed or
 * deleted daemon left behind. Only instances carrying both {@code paraverse:migration} and {@code paraverse:expires-at}
 * are considered (an instance that became production has no expiry any more); optionally only one owner's.
 * Used by {@code paraverse cloud reap [--dry-run]} and callable from the daemon.
 */
public final class Ec2Reaper {
    private static final Logger log = LoggerFactory.getLogger(Ec2Reaper.class);

    /** One instance looked at: expired or not, and whether it was terminated now. */
    public record Candidate(String instanceId, String migration, String owner, String state, Instant expiresAt,
                            boolean expired, boolean terminated) { }

    private final Ec2Client ec2;
    private final Clock clock;

    public Ec2Reaper(Ec2Client ec2, Clock clock) {
        this.ec2 = ec2;
        this.clock = clock;
    }

    /** Every Paraverse instance found (expired or not), terminating the expired ones unless {@code dryRun}. */
    public List<Candidate> reap(boolean dryRun, String owner) {
        return reap(dryRun, owner, migration -> false);
    }

    /**
     * As {@link #reap(boolean, String)}, but an expired instance whose {@code paraverse:migration} the caller says is
     * still live (the daemon running it: its expiry is only moved forward when it provisions) is left alone, with a
     * warning.
     */
    public List<Candidate> reap(boolean dryRun, String owner, java.util.function.Predicate<String> liveMigration) {
        List<Filter> filters = new ArrayList<>();
        filters.add(Filter.builder().name("tag-key").values(Ec2Tags.MIGRATION).build());
        filters.add(Filter.builder().name("tag-key").values(Ec2Tags.EXPIRES_AT).build());
        filters.add(Filter.builder().name("instance-state-name").values("pending", "running", "stopping", "stopped").build());
        if (owner != null) {
            filters.add(Filter.builder().name("tag:" + Ec2Tags.OWNER).values(owner).build());
        }
        Instant now = clock.instant();
        List<Candidate> seen = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        for (var page : ec2.describeInstancesPaginator(r -> r.filters(filters))) {
            for (Instance i : Ec2Provisioner.instances(page)) {
                String raw = Ec2Tags.value(i, Ec2Tags.EXPIRES_AT).orElse(null);
                Instant expiresAt;
                try {
                    expiresAt = raw == null ? null : Instant.parse(raw);
                } catch (DateTimeParseException e) {
                    log.warn("EC2 instance {}: tag {}='{}' is not an ISO-8601 instant; left alone", i.instanceId(),
                            Ec2Tags.EXPIRES_AT, raw);
                    expiresAt = null;
                }
                boolean isExpired = expiresAt != null && expiresAt.isBefore(now);
                String migration = Ec2Tags.value(i, Ec2Tags.MIGRATION).orElse("");
                boolean spared = isExpired && liveMigration.test(migration);
                if (spared) {
                    log.warn("EC2 instance {} of migration {} expired at {} but the migration is live here; left alone"
                            + " (a longer target.ec2.lifetime avoids this)", i.instanceId(), migration, expiresAt);
                } else if (isExpired) {
                    expired.add(i.instanceId());
                }
                seen.add(new Candidate(i.instanceId(), migration, Ec2Tags.value(i, Ec2Tags.OWNER).orElse(""),
                        i.state().nameAsString(), expiresAt, isExpired, isExpired && !spared && !dryRun));
            }
        }
        if (!dryRun && !expired.isEmpty()) {
            for (int from = 0; from < expired.size(); from += 500) {
                List<String> batch = expired.subList(from, Math.min(expired.size(), from + 500));
                ec2.terminateInstances(r -> r.instanceIds(batch));
            }
            log.info("reaper: terminated {} expired Paraverse EC2 instance(s): {}", expired.size(), expired);
        }
        return seen;
    }
}
