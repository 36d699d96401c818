package io.paraverse.cloud.ec2;

import io.paraverse.cloud.CredentialRef;
import io.paraverse.cloud.ProvisionedServer;
import io.paraverse.cloud.ProvisionerState;
import io.paraverse.cloud.ProvisionerStateStore;
import io.paraverse.cloud.Provisioner;
import io.paraverse.cloud.ProvisioningException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.EbsBlockDevice;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.HttpTokensState;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileSpecification;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.waiters.Ec2Waiter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * A temporary EC2 instance running MariaDB or MySQL as the migration's target.
 *
 * <p>{@link #provision} persists the state first (a fresh launch token, the generated bootstrap password as a
 * {@code file:} {@link CredentialRef} beside the state, never in it), then launches with RunInstances (client token =
 * launch token + attempt, tags {@code paraverse:migration/owner/expires-at/launch-token}); a capacity error moves on
 * to the next instance type or subnet. It waits with the SDK's waiter until the instance runs, then until the database
 * accepts Paraverse's user, and replaces the bootstrap password (readable in the user data) with one that never
 * leaves this machine. After a restart it finds the instance again: by the persisted instance id, else by its tags,
 * else by re-sending RunInstances with the same client token (idempotent) — never a second instance.
 *
 * <p>An instance that never becomes usable is terminated (or kept, with {@link Ec2Settings#keepOnFailure}) and the
 * error says why. {@link #teardown} terminates it; {@link #cutOver} either terminates it ({@code temporary}) or marks
 * it production so the reaper leaves it alone.
 *
 * <p>Every connection to the instance is TLS, pinned to a certificate made for the migration ({@link TargetTls}):
 * the server gets it and its key in the user data and refuses anything but TLS; the JDBC URL of the state and of the
 * returned {@link ProvisionedServer} carries {@code sslMode=verify-ca&serverSslCert=<certificate file>}, so every
 * connection Paraverse opens to the target (clone, upgrade, applier, verifier, cutover) is encrypted and verified.
 */
public final class Ec2Provisioner implements Provisioner, AutoCloseable {
    public static final String KIND = "ec2";
    private static final Logger log = LoggerFactory.getLogger(Ec2Provisioner.class);

    // details keys of the persisted state (non-secret)
    static final String INSTANCE_ID = "instanceId";
    static final String LAUNCH_TOKEN = "launchToken";
    static final String ATTEMPT = "launchAttempt";
    static final String PHASE = "phase";
    static final String INSTANCE_TYPE = "instanceType";
    static final String SUBNET = "subnet";
    static final String LAUNCHED_AT = "launchedAt";
    static final String PRICE = "pricePerHour";
    static final String ROTATED = "passwordRotated";
    static final String ENGINE = "engine";
    static final String TLS_CERT = "tlsCertificate";

    private static final List<String> ALIVE = List.of("pending", "running", "stopping", "stopped");

    private final ProvisionerStateStore store;
    private final Ec2Settings settings;
    private final Ec2Client ec2;
    private final Clock clock;

    public Ec2Provisioner(Path stateDir, Ec2Settings settings) {
        this(stateDir, settings, Ec2Clients.create(settings), Clock.systemUTC());
    }

    public Ec2Provisioner(Path stateDir, Ec2Settings settings, Ec2Client client, Clock clock) {
        List<String> problems = settings.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("target.ec2: " + String.join("; ", problems));
        }
        this.store = new ProvisionerStateStore(stateDir);
        this.settings = settings;
        this.ec2 = client;
        this.clock = clock;
    }

    @Override
    public String kind() { return KIND; }

    public ProvisionerStateStore stateStore() { return store; }

    @Override
    public synchronized ProvisionedServer provision(String migrationId) {
        ProvisionerStateStore.checkMigrationId(migrationId);
        ProvisionerState state = store.load(migrationId).orElse(null);
        if (state != null && !KIND.equals(state.kind())) {
            throw new ProvisioningException("migration " + migrationId + " was provisioned by the '" + state.kind()
                    + "' provisioner, not '" + KIND + "'; see " + store.stateFile(migrationId));
        }
        if (state == null) {
            state = begin(migrationId);
        }
        boolean wasReady = "ready".equals(state.details().get(PHASE));
        Instance instance = locate(state);
        boolean launched = false;
        if (instance == null) {
            if (wasReady || state.details().containsKey(INSTANCE_ID)) {
                throw new ProvisioningException("migration " + migrationId + ": its EC2 instance "
                        + state.details().get(INSTANCE_ID) + " is gone (terminated or not found), and the clone with it."
                        + " Abort the migration and start it again");
            }
            instance = launch(state);
            launched = true;
        } else {
            log.info("migration {}: found its EC2 instance {} again ({})", migrationId, instance.instanceId(),
                    instance.state().nameAsString());
        }
        state = remember(state, instance, null);
        try {
            Instance running = waitRunning(state, instance.instanceId());
            String host = address(running);
            state = remember(state, running, host);
            String password = awaitDatabase(state, host);
            state = withDetail(store.load(migrationId).orElseThrow(), PHASE, "ready");
            store.save(state);
            TargetTls.deleteKey(store.directory(), migrationId); // the instance has it; never launched again
            if (!launched) {
                refreshExpiry(running.instanceId());
            }
            ProvisionedServer server = describe(state, password);
            log.info("migration {}: EC2 target {} ({} {}) ready at {}; {}", migrationId, running.instanceId(),
                    running.instanceTypeAsString(), state.details().get(ENGINE), server.address(), runningCost(state).describe());
            return server;
        } catch (ProvisioningException e) {
            throw wasReady ? e : failed(state, e);
        } catch (SdkException e) {
            ProvisioningException p = new ProvisioningException("migration " + migrationId + ": EC2 call failed while"
                    + " waiting for instance " + instance.instanceId() + ": " + describe(e), e);
            throw wasReady ? p : failed(state, p);
        }
    }

    /** The target if it is ready according to the persisted state; calls nothing. */
    @Override
    public synchronized Optional<ProvisionedServer> find(String migrationId) {
        return store.load(migrationId).filter(s -> KIND.equals(s.kind()) && "ready".equals(s.details().get(PHASE)))
                .map(s -> describe(s, s.credentialRef().resolve()));
    }

    /** Terminates this migration's instance (if any is known or can be found by its tags) and forgets its state. */
    @Override
    public synchronized void teardown(String migrationId) {
        Optional<ProvisionerState> state = store.load(migrationId);
        if (state.isPresent()) {
            Instance instance = locate(state.get());
            String id = instance != null ? instance.instanceId() : null;
            if (id != null) {
                terminate(id);
                log.info("teardown of migration {}: EC2 instance {} terminated ({})", migrationId, id,
                        runningCost(state.get()).describe());
            }
        }
        forget(migrationId);
    }

    /**
     * The migration cut over to this instance: a {@code temporary} one (a rehearsal) is terminated; otherwise it is
     * production now, so its expiry tag is removed (the reaper leaves it alone) and it is tagged
     * {@code paraverse:role=production}.
     */
    public synchronized void cutOver(String migrationId) {
        ProvisionerState state = store.load(migrationId).orElse(null);
        if (state == null || state.details().get(INSTANCE_ID) == null) {
            return;
        }
        if (settings.temporary()) {
            teardown(migrationId);
            return;
        }
        String id = state.details().get(INSTANCE_ID);
        ec2.deleteTags(r -> r.resources(id).tags(Tag.builder().key(Ec2Tags.EXPIRES_AT).build()));
        ec2.createTags(r -> r.resources(id).tags(Ec2Tags.tag(Ec2Tags.ROLE, "production")));
        store.save(withDetail(state, PHASE, "production"));
        log.info("migration {}: EC2 instance {} is production now; no longer reaped", migrationId, id);
    }

    /** Hours since launch × the configured price, for status; empty if nothing is launched. */
    public synchronized Optional<Ec2Cost> runningCost(String migrationId) {
        return store.load(migrationId).filter(s -> s.details().get(LAUNCHED_AT) != null).map(this::runningCost);
    }

    @Override
    public void close() {
        ec2.close();
    }

    // ---------------------------------------------------------------------------------------------------- steps

    /** Persists a launch token and the bootstrap password (as a file reference) before anything is launched. */
    private ProvisionerState begin(String migrationId) {
        CredentialRef secret = store.saveSecret(migrationId, UserDataScript.generatePassword());
        TargetTls.ensure(store.directory(), migrationId);
        Map<String, String> details = new LinkedHashMap<>();
        details.put(TLS_CERT, TargetTls.certFile(store.directory(), migrationId).toString());
        details.put(LAUNCH_TOKEN, UUID.randomUUID().toString().replace("-", ""));
        details.put(ATTEMPT, "0");
        details.put(PHASE, "launching");
        details.put(ENGINE, settings.engine().name().toLowerCase(java.util.Locale.ROOT) + " " + settings.version());
        ProvisionerState state = new ProvisionerState(migrationId, KIND, null, settings.port(), settings.user(), null,
                secret, details);
        store.save(state);
        return state;
    }

    /** The instance this state refers to, if alive: by id, else by its tags. */
    private Instance locate(ProvisionerState state) {
        String id = state.details().get(INSTANCE_ID);
        List<Instance> found;
        if (id != null) {
            try {
                found = instances(ec2.describeInstances(r -> r.instanceIds(id)));
            } catch (AwsServiceException e) {
                if (Ec2Clients.errorCode(e).startsWith("InvalidInstanceID")) {
                    return null;
                }
                throw new ProvisioningException("migration " + state.migrationId() + ": cannot describe EC2 instance "
                        + id + ": " + Ec2Clients.describe(e), e);
            }
        } else {
            found = instances(ec2.describeInstances(r -> r.filters(
                    filter("tag:" + Ec2Tags.MIGRATION, state.migrationId()),
                    filter("tag:" + Ec2Tags.LAUNCH_TOKEN, state.details().get(LAUNCH_TOKEN)),
                    Filter.builder().name("instance-state-name").values(ALIVE).build())));
        }
        return found.stream().filter(i -> ALIVE.contains(i.state().nameAsString())).findFirst().orElse(null);
    }

    /** RunInstances over the placements from the persisted attempt on; capacity errors move to the next one. */
    private Instance launch(ProvisionerState state) {
        String migrationId = state.migrationId();
        List<Ec2Settings.Placement> placements = settings.placements();
        int first = Integer.parseInt(state.details().getOrDefault(ATTEMPT, "0"));
        List<String> noCapacity = new ArrayList<>();
        String password = state.credentialRef().resolve();
        for (int attempt = first; attempt < placements.size(); attempt++) {
            Ec2Settings.Placement p = placements.get(attempt);
            state = withDetail(state, ATTEMPT, String.valueOf(attempt));
            store.save(state); // a restart re-sends this very request (same client token), which EC2 answers idempotently
            Ec2Cost estimate = Ec2Cost.estimate(p.instanceType(), settings);
            log.info("migration {}: launching an EC2 instance {} ({} {}); estimated {}", migrationId, p,
                    settings.engine().name().toLowerCase(java.util.Locale.ROOT), settings.version(), estimate.describe());
            try {
                Instance i = ec2.runInstances(request(state, p, password, attempt)).instances().get(0);
                log.info("migration {}: EC2 instance {} launched ({})", migrationId, i.instanceId(), p);
                return i;
            } catch (AwsServiceException e) {
                if (Ec2Clients.CAPACITY.contains(Ec2Clients.errorCode(e))) {
                    noCapacity.add(p + ": " + Ec2Clients.errorCode(e));
                    log.warn("migration {}: no EC2 capacity for {} ({}){}", migrationId, p, Ec2Clients.describe(e),
                            attempt + 1 < placements.size() ? "; trying " + placements.get(attempt + 1) : "");
                    continue;
                }
                forget(migrationId); // EC2 refused the request: nothing was launched
                throw new ProvisioningException("migration " + migrationId + ": EC2 refused to launch " + p + ": "
                        + Ec2Clients.describe(e) + ". Fix target.ec2 in the migration file (AMI, subnet, security"
                        + " groups, key pair, instance profile) or the IAM permissions (docs: cloud/README-ec2.md)", e);
            } catch (SdkException e) {
                throw new ProvisioningException("migration " + migrationId + ": cannot call EC2 RunInstances for " + p
                        + ": " + describe(e) + ". Check the AWS region and credentials (SDK default chain: AWS_* variables,"
                        + " ~/.aws profile, instance role); a retry finds an instance this call may have launched", e);
            }
        }
        forget(migrationId);
        throw new ProvisioningException("migration " + migrationId + ": no EC2 capacity for any configured placement ("
                + String.join("; ", noCapacity) + "). Add instance types or subnets in other availability zones to"
                + " target.ec2, or retry later");
    }

    private RunInstancesRequest request(ProvisionerState state, Ec2Settings.Placement p, String password, int attempt) {
        String migrationId = state.migrationId();
        String token = state.details().get(LAUNCH_TOKEN);
        List<Tag> tags = new ArrayList<>();
        tags.add(Ec2Tags.tag("Name", "paraverse-" + migrationId));
        settings.tags().forEach((k, v) -> tags.add(Ec2Tags.tag(k, v)));
        tags.add(Ec2Tags.tag(Ec2Tags.MIGRATION, migrationId));
        tags.add(Ec2Tags.tag(Ec2Tags.OWNER, settings.owner()));
        tags.add(Ec2Tags.tag(Ec2Tags.EXPIRES_AT, expiry().toString()));
        tags.add(Ec2Tags.tag(Ec2Tags.LAUNCH_TOKEN, token));
        RunInstancesRequest.Builder b = RunInstancesRequest.builder()
                .minCount(1).maxCount(1)
                .clientToken(token + "-" + attempt)
                .userData(UserDataScript.encoded(migrationId, settings, password,
                        TargetTls.certPem(store.directory(), migrationId), TargetTls.keyPem(store.directory(), migrationId)))
                .metadataOptions(m -> m.httpTokens(HttpTokensState.REQUIRED)) // IMDSv2 only
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(tags).build(),
                        TagSpecification.builder().resourceType(ResourceType.VOLUME).tags(tags).build());
        if (settings.imageId() != null) {
            b.imageId(settings.imageId());
        }
        if (settings.launchTemplate() != null) {
            LaunchTemplateSpecification.Builder lt = LaunchTemplateSpecification.builder();
            if (settings.launchTemplate().startsWith("lt-")) {
                lt.launchTemplateId(settings.launchTemplate());
            } else {
                lt.launchTemplateName(settings.launchTemplate());
            }
            b.launchTemplate(lt.version(settings.launchTemplateVersion()).build());
        }
        if (p.instanceType() != null) {
            b.instanceType(p.instanceType());
        }
        if (p.subnet() != null) {
            b.subnetId(p.subnet());
        }
        if (!settings.securityGroups().isEmpty()) {
            b.securityGroupIds(settings.securityGroups());
        }
        if (settings.keyName() != null) {
            b.keyName(settings.keyName());
        }
        if (settings.iamInstanceProfile() != null) {
            String profile = settings.iamInstanceProfile();
            b.iamInstanceProfile(profile.startsWith("arn:")
                    ? IamInstanceProfileSpecification.builder().arn(profile).build()
                    : IamInstanceProfileSpecification.builder().name(profile).build());
        }
        if (settings.volumeSizeGib() != null) {
            b.blockDeviceMappings(BlockDeviceMapping.builder().deviceName(settings.rootDevice())
                    .ebs(EbsBlockDevice.builder().volumeSize(settings.volumeSizeGib()).volumeType(settings.volumeType())
                            .deleteOnTermination(true).encrypted(true).build())
                    .build());
        }
        return b.build();
    }

    /** The SDK's waiter, polling every poll_interval up to running_timeout. */
    private Instance waitRunning(ProvisionerState state, String instanceId) {
        int attempts = (int) Math.max(2, settings.runningTimeout().toMillis() / Math.max(1, settings.pollInterval().toMillis()) + 1);
        try (Ec2Waiter waiter = Ec2Waiter.builder().client(ec2).overrideConfiguration(o -> o
                .waitTimeout(settings.runningTimeout()).maxAttempts(attempts)
                .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(settings.pollInterval()))).build()) {
            WaiterResponse<DescribeInstancesResponse> r = waiter.waitUntilInstanceRunning(
                    DescribeInstancesRequest.builder().instanceIds(instanceId).build());
            Optional<DescribeInstancesResponse> response = r.matched().response();
            if (response.isPresent()) {
                return instances(response.get()).get(0);
            }
        } catch (SdkException e) {
            // the waiter failed: the instance stopped or terminated, or the timeout passed; say which below
            log.debug("waiter on {} ended: {}", instanceId, e.getMessage());
        }
        String why;
        try {
            Instance now = instances(ec2.describeInstances(r -> r.instanceIds(instanceId))).get(0);
            why = "it is " + now.state().nameAsString()
                    + (now.stateReason() != null && now.stateReason().message() != null ? " (" + now.stateReason().message() + ")" : "");
        } catch (SdkException | IndexOutOfBoundsException e) {
            why = "it cannot be described";
        }
        throw new ProvisioningException("migration " + state.migrationId() + ": EC2 instance " + instanceId
                + " did not reach 'running' within " + settings.runningTimeout() + ": " + why);
    }

    /**
     * Polls until Paraverse's user can log in (the user data installs the server and creates it), then replaces the
     * bootstrap password. Returns the password that works now.
     */
    private String awaitDatabase(ProvisionerState state, String host) {
        String migrationId = state.migrationId();
        Instant deadline = clock.instant().plus(settings.readyTimeout());
        String lastError = "no attempt";
        while (true) {
            for (String password : candidatePasswords(state)) {
                try (Connection c = connect(state, host, password)) {
                    c.isValid(5);
                    if (!password.equals(state.credentialRef().resolve())) {
                        return adopt(state, password); // a restart after the server took the replacement
                    }
                    return "true".equals(state.details().get(ROTATED)) ? password : rotate(state, c);
                } catch (SQLException e) {
                    lastError = redact(e.getMessage(), state);
                }
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new ProvisioningException("migration " + migrationId + ": the database on EC2 instance "
                        + state.details().get(INSTANCE_ID) + " (" + host + ":" + state.port() + ") did not accept user '"
                        + state.user() + "' within " + settings.readyTimeout() + " (last error: " + lastError + "). Check"
                        + " that its security group lets this machine reach port " + state.port() + ", and on the"
                        + " instance /var/log/paraverse-bootstrap.log and /var/log/cloud-init-output.log (a TLS error"
                        + " means the server did not load the certificate from the user data: its error log)");
            }
            sleep(settings.pollInterval());
        }
    }

    /** The stored password, and the replacement being installed when a restart interrupted the rotation. */
    private List<String> candidatePasswords(ProvisionerState state) {
        List<String> out = new ArrayList<>();
        out.add(state.credentialRef().resolve());
        Path pending = pendingFile(state.migrationId());
        if (Files.exists(pending)) {
            try {
                out.add(Files.readString(pending, StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + pending, e);
            }
        }
        return out;
    }

    /**
     * Replaces the bootstrap password: the new one is written beside the state first (so a crash in between loses
     * nothing), set on the server, then becomes the stored one.
     */
    private String rotate(ProvisionerState state, Connection c) throws SQLException {
        Path pending = pendingFile(state.migrationId());
        String next = UserDataScript.generatePassword();
        try {
            ProvisionerStateStore.writeAtomically(pending, next.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + pending, e);
        }
        try (Statement st = c.createStatement()) {
            st.execute("ALTER USER '" + state.user() + "'@'%' IDENTIFIED BY '" + next + "'");
        }
        log.info("migration {}: replaced the bootstrap password of user '{}' (the one in the user data no longer works)",
                state.migrationId(), state.user());
        return adopt(state, next);
    }

    /** The server has this password: it becomes the stored one. */
    private String adopt(ProvisionerState state, String password) {
        store.saveSecret(state.migrationId(), password);
        try {
            Files.deleteIfExists(pendingFile(state.migrationId()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + pendingFile(state.migrationId()), e);
        }
        store.save(withDetail(state, ROTATED, "true"));
        return password;
    }

    /** Terminates (unless keep_on_failure) an instance that never became usable; returns the error to throw. */
    private ProvisioningException failed(ProvisionerState state, ProvisioningException cause) {
        String id = state.details().get(INSTANCE_ID);
        if (id == null) {
            return cause;
        }
        if (settings.keepOnFailure()) {
            log.warn("migration {}: keeping EC2 instance {} for debugging (keep_on_failure); aborting the migration"
                    + " terminates it", state.migrationId(), id);
            return new ProvisioningException(cause.getMessage() + ". Instance " + id + " is kept for debugging"
                    + " (keep_on_failure); abort the migration to terminate it", cause);
        }
        try {
            terminate(id);
            forget(state.migrationId());
            return new ProvisioningException(cause.getMessage() + ". Instance " + id + " was terminated; the next"
                    + " attempt launches a new one", cause);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            return new ProvisioningException(cause.getMessage() + ". Terminating instance " + id + " failed too ("
                    + e.getMessage() + "): terminate it in the EC2 console or with 'paraverse cloud reap'", cause);
        }
    }

    private void terminate(String instanceId) {
        try {
            ec2.terminateInstances(r -> r.instanceIds(instanceId));
        } catch (AwsServiceException e) {
            if (!Ec2Clients.errorCode(e).startsWith("InvalidInstanceID")) {
                throw new ProvisioningException("cannot terminate EC2 instance " + instanceId + ": "
                        + Ec2Clients.describe(e), e);
            }
        }
    }

    /** Moves paraverse:expires-at forward: a migration still being worked on is not reaped. */
    private void refreshExpiry(String instanceId) {
        try {
            ec2.createTags(r -> r.resources(instanceId).tags(Ec2Tags.tag(Ec2Tags.EXPIRES_AT, expiry().toString())));
        } catch (SdkException e) {
            log.warn("cannot move the expiry of EC2 instance {} forward: {}", instanceId, describe(e));
        }
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    private ProvisionerState remember(ProvisionerState state, Instance i, String host) {
        Map<String, String> d = new LinkedHashMap<>(state.details());
        d.put(INSTANCE_ID, i.instanceId());
        if (i.instanceTypeAsString() != null) {
            d.put(INSTANCE_TYPE, i.instanceTypeAsString());
            Double price = settings.pricePerHour().get(i.instanceTypeAsString());
            if (price != null) {
                d.put(PRICE, String.valueOf(price));
            }
        }
        if (i.subnetId() != null) {
            d.put(SUBNET, i.subnetId());
        }
        if (i.launchTime() != null) {
            d.put(LAUNCHED_AT, i.launchTime().toString());
        }
        if (host != null) {
            d.put(PHASE, "ready".equals(d.get(PHASE)) ? "ready" : "starting");
        }
        ProvisionerState next = host == null ? new ProvisionerState(state.migrationId(), KIND, state.host(), state.port(),
                state.user(), state.jdbcUrl(), state.credentialRef(), d)
                : state.withAddress(host, state.port(), jdbcUrl(state.migrationId(), host, state.port()), d);
        store.save(next);
        return next;
    }

    private static ProvisionerState withDetail(ProvisionerState s, String key, String value) {
        Map<String, String> d = new LinkedHashMap<>(s.details());
        d.put(key, value);
        return new ProvisionerState(s.migrationId(), s.kind(), s.host(), s.port(), s.user(), s.jdbcUrl(), s.credentialRef(), d);
    }

    private Ec2Cost runningCost(ProvisionerState s) {
        String launched = s.details().get(LAUNCHED_AT);
        String price = s.details().get(PRICE);
        return Ec2Cost.running(s.details().get(INSTANCE_TYPE), price == null ? null : Double.valueOf(price),
                launched == null ? clock.instant() : Instant.parse(launched), clock.instant());
    }

    private ProvisionedServer describe(ProvisionerState s, String password) {
        Map<String, String> d = new LinkedHashMap<>(s.details());
        d.remove(LAUNCH_TOKEN);
        d.remove(ATTEMPT);
        d.put("cost", runningCost(s).describe());
        return new ProvisionedServer(KIND, s.host(), s.port(), s.user(), password, s.jdbcUrl(), d);
    }

    private String address(Instance i) {
        String a = settings.address() == Ec2Settings.AddressKind.PUBLIC ? i.publicIpAddress() : i.privateIpAddress();
        if (a == null) {
            throw new ProvisioningException("EC2 instance " + i.instanceId() + " has no " + settings.address().name()
                    .toLowerCase(java.util.Locale.ROOT) + " IP address; use target.ec2.address: private (Paraverse in the"
                    + " same VPC) or a subnet that assigns public addresses");
        }
        return a;
    }

    /** TLS pinned to the migration's certificate (no public key retrieval needed for MySQL: TLS carries the password). */
    private String jdbcUrl(String migrationId, String host, int port) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "jdbc:mariadb://" + h + ":" + port + "/?" + TargetTls.jdbcOptions(TargetTls.certFile(store.directory(), migrationId));
    }

    private Connection connect(ProvisionerState state, String host, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", state.user());
        p.setProperty("password", password);
        p.setProperty("connectTimeout", String.valueOf(Math.min(5000, Math.max(500, settings.pollInterval().toMillis()))));
        return DriverManager.getConnection(jdbcUrl(state.migrationId(), host, state.port()), p);
    }

    private String redact(String message, ProvisionerState state) {
        String m = message == null ? "" : message;
        for (String p : candidatePasswords(state)) {
            m = m.replace(p, "****");
        }
        return m;
    }

    private Instant expiry() {
        return clock.instant().plus(settings.lifetime()).truncatedTo(ChronoUnit.SECONDS);
    }

    private Path pendingFile(String migrationId) {
        return store.directory().resolve(migrationId + ".secret-next");
    }

    private void forget(String migrationId) {
        store.delete(migrationId);
        TargetTls.deleteAll(store.directory(), migrationId);
        try {
            Files.deleteIfExists(pendingFile(migrationId));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + pendingFile(migrationId), e);
        }
    }

    static List<Instance> instances(DescribeInstancesResponse r) {
        return r.reservations().stream().flatMap(res -> res.instances().stream()).toList();
    }

    private static Filter filter(String name, String value) {
        return Filter.builder().name(name).values(value).build();
    }

    private static String describe(SdkException e) {
        return e instanceof AwsServiceException a ? Ec2Clients.describe(a) : e.getMessage();
    }

    private static void sleep(java.time.Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("interrupted while waiting for the EC2 target", e);
        }
    }
}
