package io.paraverse.cloud.ec2;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What an EC2 target looks like: where it runs (region, subnets, security groups), what it is (an AMI or a launch
 * template, instance types in order of preference, root volume), which database the user data installs, how long
 * Paraverse waits for it, what it costs, and when the reaper may terminate it. Fluent setters; {@link #problems()}
 * lists what is wrong, each problem prefixed with its configuration key (snake_case, as in the migration file).
 */
public final class Ec2Settings {
    public enum Engine { MARIADB, MYSQL }

    /** Which of the instance's addresses Paraverse (and the pipeline) connects to. */
    public enum AddressKind { PRIVATE, PUBLIC }

    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+(\\.\\d+)?");
    private static final Pattern TAG_KEY = Pattern.compile("[^\\p{Cntrl}]{1,128}");

    private String region;
    private URI endpoint;
    private String imageId;
    private String launchTemplate;
    private String launchTemplateVersion;
    private List<String> instanceTypes = List.of();
    private List<String> subnets = List.of();
    private List<String> securityGroups = List.of();
    private String keyName;
    private String iamInstanceProfile;
    private Integer volumeSizeGib;
    private String volumeType = "gp3";
    private String rootDevice = "/dev/xvda";
    private Map<String, String> tags = Map.of();
    private String owner = System.getProperty("user.name", "paraverse");
    private Duration lifetime = Duration.ofDays(7);
    private Engine engine = Engine.MARIADB;
    private String version = "11.4";
    private boolean install = true;
    private int port = 3306;
    private String user = "paraverse";
    private AddressKind address = AddressKind.PRIVATE;
    private Duration runningTimeout = Duration.ofMinutes(10);
    private Duration readyTimeout = Duration.ofMinutes(20);
    private Duration pollInterval = Duration.ofSeconds(10);
    private boolean keepOnFailure;
    private boolean temporary;
    private Map<String, Double> pricePerHour = Map.of();
    private Double expectedHours;
    private int maxAttempts = 10;
    private Duration throttleBaseDelay = Duration.ofSeconds(1);
    private Duration throttleMaxDelay = Duration.ofSeconds(20);

    public Ec2Settings region(String r) { this.region = r; return this; }
    /** Another EC2 endpoint (a VPC endpoint; a test server). */
    public Ec2Settings endpoint(URI uri) { this.endpoint = uri; return this; }
    public Ec2Settings imageId(String id) { this.imageId = id; return this; }
    /** A launch template's id ({@code lt-...}) or name. */
    public Ec2Settings launchTemplate(String idOrName) { this.launchTemplate = idOrName; return this; }
    public Ec2Settings launchTemplateVersion(String v) { this.launchTemplateVersion = v; return this; }
    /** Tried in order: a capacity error moves on to the next (every subnet of one type before the next type). */
    public Ec2Settings instanceTypes(List<String> types) { this.instanceTypes = copy(types); return this; }
    public Ec2Settings subnets(List<String> ids) { this.subnets = copy(ids); return this; }
    public Ec2Settings securityGroups(List<String> ids) { this.securityGroups = copy(ids); return this; }
    public Ec2Settings keyName(String name) { this.keyName = name; return this; }
    /** An instance profile's name or ARN. */
    public Ec2Settings iamInstanceProfile(String nameOrArn) { this.iamInstanceProfile = nameOrArn; return this; }
    public Ec2Settings volumeSizeGib(Integer gib) { this.volumeSizeGib = gib; return this; }
    public Ec2Settings volumeType(String type) { this.volumeType = type; return this; }
    /** The AMI's root device name: /dev/xvda (Amazon Linux, Debian) or /dev/sda1 (Ubuntu). */
    public Ec2Settings rootDevice(String device) { this.rootDevice = device; return this; }
    public Ec2Settings tags(Map<String, String> t) { this.tags = t == null ? Map.of() : Map.copyOf(t); return this; }
    public Ec2Settings owner(String o) { this.owner = o; return this; }
    /** After this the reaper may terminate the instance (tag paraverse:expires-at); refreshed on every provision. */
    public Ec2Settings lifetime(Duration d) { this.lifetime = d; return this; }
    public Ec2Settings engine(Engine e) { this.engine = e; return this; }
    /** Major.minor of the engine, e.g. 10.11, 11.4 (MariaDB) or 8.0, 8.4 (MySQL). */
    public Ec2Settings version(String v) { this.version = v; return this; }
    /** False: the AMI already has the server; the user data only configures it. */
    public Ec2Settings install(boolean i) { this.install = i; return this; }
    public Ec2Settings port(int p) { this.port = p; return this; }
    public Ec2Settings user(String u) { this.user = u; return this; }
    public Ec2Settings address(AddressKind a) { this.address = a; return this; }
    public Ec2Settings runningTimeout(Duration d) { this.runningTimeout = d; return this; }
    public Ec2Settings readyTimeout(Duration d) { this.readyTimeout = d; return this; }
    public Ec2Settings pollInterval(Duration d) { this.pollInterval = d; return this; }
    /** Keep an instance that failed to come up (for debugging) instead of terminating it. */
    public Ec2Settings keepOnFailure(boolean k) { this.keepOnFailure = k; return this; }
    /** Terminate the instance after a successful cutover too (rehearsals); otherwise it is then production. */
    public Ec2Settings temporary(boolean t) { this.temporary = t; return this; }
    /** USD per hour by instance type, for the cost estimate (Paraverse does not call the pricing API). */
    public Ec2Settings pricePerHour(Map<String, Double> prices) {
        this.pricePerHour = prices == null ? Map.of() : Map.copyOf(prices);
        return this;
    }
    public Ec2Settings expectedHours(Double h) { this.expectedHours = h; return this; }
    /** Attempts per EC2 call when throttled (RequestLimitExceeded) or on a transient error. */
    public Ec2Settings maxAttempts(int n) { this.maxAttempts = n; return this; }
    public Ec2Settings throttleBackoff(Duration base, Duration max) {
        this.throttleBaseDelay = base;
        this.throttleMaxDelay = max;
        return this;
    }

    public String region() { return region; }
    public URI endpoint() { return endpoint; }
    public String imageId() { return imageId; }
    public String launchTemplate() { return launchTemplate; }
    public String launchTemplateVersion() { return launchTemplateVersion; }
    public List<String> instanceTypes() { return instanceTypes; }
    public List<String> subnets() { return subnets; }
    public List<String> securityGroups() { return securityGroups; }
    public String keyName() { return keyName; }
    public String iamInstanceProfile() { return iamInstanceProfile; }
    public Integer volumeSizeGib() { return volumeSizeGib; }
    public String volumeType() { return volumeType; }
    public String rootDevice() { return rootDevice; }
    public Map<String, String> tags() { return tags; }
    public String owner() { return owner; }
    public Duration lifetime() { return lifetime; }
    public Engine engine() { return engine; }
    public String version() { return version; }
    public boolean install() { return install; }
    public int port() { return port; }
    public String user() { return user; }
    public AddressKind address() { return address; }
    public Duration runningTimeout() { return runningTimeout; }
    public Duration readyTimeout() { return readyTimeout; }
    public Duration pollInterval() { return pollInterval; }
    public boolean keepOnFailure() { return keepOnFailure; }
    public boolean temporary() { return temporary; }
    public Map<String, Double> pricePerHour() { return pricePerHour; }
    public Double expectedHours() { return expectedHours; }
    public int maxAttempts() { return maxAttempts; }
    public Duration throttleBaseDelay() { return throttleBaseDelay; }
    public Duration throttleMaxDelay() { return throttleMaxDelay; }

    /** The (type, subnet) pairs to try, in order; a null subnet lets EC2 (or the launch template) choose. */
    List<Placement> placements() {
        List<String> types = instanceTypes.isEmpty() ? java.util.Collections.singletonList(null) : instanceTypes;
        List<String> nets = subnets.isEmpty() ? java.util.Collections.singletonList(null) : subnets;
        List<Placement> out = new ArrayList<>();
        for (String t : types) {
            for (String s : nets) {
                out.add(new Placement(t, s));
            }
        }
        return out;
    }

    record Placement(String instanceType, String subnet) {
        @Override
        public String toString() {
            return (instanceType == null ? "(launch template's type)" : instanceType)
                    + (subnet == null ? "" : " in " + subnet);
        }
    }

    /** Everything wrong with these settings, each as "key: what is wrong"; empty when usable. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if ((imageId == null) == (launchTemplate == null)) {
            p.add("image_id: give exactly one of image_id (an AMI) and launch_template");
        }
        if (imageId != null && !imageId.startsWith("ami-")) {
            p.add("image_id: an AMI id looks like ami-0123456789abcdef0, got '" + imageId + "'");
        }
        if (launchTemplate == null && instanceTypes.isEmpty()) {
            p.add("instance_types: at least one instance type (e.g. [r6i.large, r5.large]) unless a launch template sets it");
        }
        subnets.stream().filter(s -> !s.startsWith("subnet-"))
                .forEach(s -> p.add("subnets: a subnet id looks like subnet-0123..., got '" + s + "'"));
        securityGroups.stream().filter(s -> !s.startsWith("sg-"))
                .forEach(s -> p.add("security_groups: a security group id looks like sg-0123..., got '" + s + "'"));
        if (volumeSizeGib != null && (volumeSizeGib < 8 || volumeSizeGib > 65536)) {
            p.add("volume_size_gib: between 8 and 65536, got " + volumeSizeGib);
        }
        if (volumeType != null && !List.of("gp2", "gp3", "io1", "io2", "st1", "sc1", "standard").contains(volumeType)) {
            p.add("volume_type: one of gp3, gp2, io1, io2, st1, sc1, standard; got '" + volumeType + "'");
        }
        if (version == null || !VERSION.matcher(version).matches()) {
            p.add("version: major.minor like 11.4 (mariadb) or 8.4 (mysql), got '" + version + "'");
        }
        if (port < 1 || port > 65535) {
            p.add("port: 1-65535, got " + port);
        }
        if (owner == null || owner.isBlank() || !TAG_KEY.matcher(owner).matches()) {
            p.add("owner: 1-128 printable characters (tag paraverse:owner)");
        }
        tags.keySet().stream().filter(k -> k.toLowerCase(Locale.ROOT).startsWith("paraverse:") || k.startsWith("aws:"))
                .forEach(k -> p.add("tags: '" + k + "' is reserved (paraverse:* and aws:* tags are set by Paraverse/AWS)"));
        if (lifetime == null || lifetime.isNegative() || lifetime.isZero()) {
            p.add("lifetime: a positive duration like 7d (after it the reaper may terminate the instance)");
        }
        positive(p, "running_timeout", runningTimeout);
        positive(p, "ready_timeout", readyTimeout);
        positive(p, "poll_interval", pollInterval);
        pricePerHour.forEach((type, price) -> {
            if (price == null || price < 0) {
                p.add("price_per_hour: the price of " + type + " must be a positive number of USD");
            }
        });
        if (expectedHours != null && expectedHours <= 0) {
            p.add("expected_hours: a positive number, got " + expectedHours);
        }
        if (maxAttempts < 1) {
            p.add("max_attempts: at least 1, got " + maxAttempts);
        }
        return p;
    }

    private static void positive(List<String> p, String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            p.add(key + ": a positive duration");
        }
    }

    private static List<String> copy(List<String> in) {
        return in == null ? List.of() : List.copyOf(in);
    }
}
