package io.paraverse.cloud.ec2;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A local HTTP server speaking the EC2 Query API (form-encoded POST, XML answers) for the calls the provisioner and
 * reaper make: RunInstances, DescribeInstances (instance ids; filters tag:K, tag-key, instance-state-name),
 * TerminateInstances, CreateTags, DeleteTags. It records every request's parameters and can answer with capacity
 * errors per instance type, throttle the next calls, keep instances pending, and hold a RunInstances answer (a daemon
 * killed mid-call). RunInstances honours client tokens as EC2 does. Public for the end-to-end suite (src/test), which
 * gets it from this module's test-jar.
 */
public final class FakeEc2 implements AutoCloseable {
    public static final class FakeInstance {
        public final String id;
        final String type;
        final String subnet;
        final String clientToken;
        final String userData;
        public final Map<String, String> tags = new LinkedHashMap<>();
        final Instant launchTime;
        public volatile String state = "pending";
        volatile int describes;

        FakeInstance(String id, String type, String subnet, String clientToken, String userData, Instant launchTime) {
            this.id = id;
            this.type = type;
            this.subnet = subnet;
            this.clientToken = clientToken;
            this.userData = userData;
            this.launchTime = launchTime;
        }

        public String decodedUserData() {
            return userData == null ? null : new String(Base64.getDecoder().decode(userData), StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    final List<Map<String, String>> requests = Collections.synchronizedList(new ArrayList<>());
    public final Map<String, FakeInstance> instances = Collections.synchronizedMap(new LinkedHashMap<>());
    final Set<String> typesWithoutCapacity = Collections.synchronizedSet(new HashSet<>());
    final Deque<String> throttleActions = new ArrayDeque<>(); // each entry: throttle the next call of that action once
    volatile int pendingDescribes = 1;
    volatile String privateIp = "127.0.0.1";
    public volatile Consumer<FakeInstance> onLaunch = i -> { };
    volatile CountDownLatch holdRunInstances; // while set, RunInstances records the instance and does not answer
    final CountDownLatch runInstancesReceived = new CountDownLatch(1);
    private int next = 1;

    public FakeEc2() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<Map<String, String>> requests(String action) {
        synchronized (requests) {
            return requests.stream().filter(r -> action.equals(r.get("Action"))).toList();
        }
    }

    /** An instance as if launched earlier (for the reaper). */
    public FakeInstance add(String state, Map<String, String> tags) {
        FakeInstance i;
        synchronized (this) {
            i = new FakeInstance(String.format("i-%017x", next++), "t3.micro", null, null, null, Instant.now());
        }
        i.state = state;
        i.tags.putAll(tags);
        instances.put(i.id, i);
        return i;
    }

    @Override
    public void close() {
        CountDownLatch hold = holdRunInstances;
        if (hold != null) {
            hold.countDown();
        }
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, String> p = parse(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        requests.add(p);
        String action = p.getOrDefault("Action", "");
        try {
            synchronized (throttleActions) {
                if (throttleActions.remove(action)) {
                    error(ex, 503, "RequestLimitExceeded", "Request limit exceeded.");
                    return;
                }
            }
            switch (action) {
                case "RunInstances" -> runInstances(ex, p);
                case "DescribeInstances" -> describeInstances(ex, p);
                case "TerminateInstances" -> terminateInstances(ex, p);
                case "CreateTags" -> {
                    for (String id : indexed(p, "ResourceId")) {
                        FakeInstance i = instances.get(id);
                        for (int n = 1; p.containsKey("Tag." + n + ".Key"); n++) {
                            i.tags.put(p.get("Tag." + n + ".Key"), p.getOrDefault("Tag." + n + ".Value", ""));
                        }
                    }
                    ok(ex, "<CreateTagsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId><return>true</return></CreateTagsResponse>");
                }
                case "DeleteTags" -> {
                    for (String id : indexed(p, "ResourceId")) {
                        for (int n = 1; p.containsKey("Tag." + n + ".Key"); n++) {
                            instances.get(id).tags.remove(p.get("Tag." + n + ".Key"));
                        }
                    }
                    ok(ex, "<DeleteTagsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId><return>true</return></DeleteTagsResponse>");
                }
                default -> error(ex, 400, "InvalidAction", "The action " + action + " is not valid for this web service.");
            }
        } catch (RuntimeException | InterruptedException e) {
            error(ex, 500, "InternalError", String.valueOf(e));
        }
    }

    private void runInstances(HttpExchange ex, Map<String, String> p) throws IOException, InterruptedException {
        String type = p.get("InstanceType");
        if (type != null && typesWithoutCapacity.contains(type)) {
            error(ex, 500, "InsufficientInstanceCapacity", "We currently do not have sufficient " + type
                    + " capacity in the Availability Zone you requested.");
            return;
        }
        String token = p.get("ClientToken");
        FakeInstance existing;
        synchronized (instances) {
            existing = token == null ? null : instances.values().stream().filter(i -> token.equals(i.clientToken)).findFirst().orElse(null);
        }
        FakeInstance i = existing;
        if (i == null) {
            synchronized (this) {
                i = new FakeInstance(String.format("i-%017x", next++), type, p.get("SubnetId"), token, p.get("UserData"),
                        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            }
            for (int n = 1; p.containsKey("TagSpecification." + n + ".ResourceType"); n++) {
                if (!"instance".equals(p.get("TagSpecification." + n + ".ResourceType"))) {
                    continue;
                }
                for (int t = 1; p.containsKey("TagSpecification." + n + ".Tag." + t + ".Key"); t++) {
                    i.tags.put(p.get("TagSpecification." + n + ".Tag." + t + ".Key"),
                            p.getOrDefault("TagSpecification." + n + ".Tag." + t + ".Value", ""));
                }
            }
            instances.put(i.id, i);
            onLaunch.accept(i);
        }
        runInstancesReceived.countDown();
        CountDownLatch hold = holdRunInstances;
        if (hold != null) {
            hold.await(60, TimeUnit.SECONDS);
            return; // the caller never gets an answer: as if the daemon died during the call
        }
        ok(ex, "<RunInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId>"
                + "<reservationId>r-1</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>"
                + instanceXml(i) + "</instancesSet></RunInstancesResponse>");
    }

    private void describeInstances(HttpExchange ex, Map<String, String> p) throws IOException {
        List<String> ids = indexed(p, "InstanceId");
        List<FakeInstance> out = new ArrayList<>();
        synchronized (instances) {
            for (String id : ids) {
                if (!instances.containsKey(id)) {
                    error(ex, 400, "InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
                    return;
                }
            }
            for (FakeInstance i : instances.values()) {
                if ((ids.isEmpty() || ids.contains(i.id)) && matches(i, p)) {
                    out.add(i);
                }
            }
        }
        StringBuilder xml = new StringBuilder("<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                + "<requestId>r</requestId><reservationSet>");
        for (FakeInstance i : out) {
            if ("pending".equals(i.state) && ++i.describes > pendingDescribes) {
                i.state = "running";
            }
            xml.append("<item><reservationId>r-1</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>")
                    .append(instanceXml(i)).append("</instancesSet></item>");
        }
        ok(ex, xml.append("</reservationSet></DescribeInstancesResponse>").toString());
    }

    private boolean matches(FakeInstance i, Map<String, String> p) {
        for (int n = 1; p.containsKey("Filter." + n + ".Name"); n++) {
            String name = p.get("Filter." + n + ".Name");
            List<String> values = indexed(p, "Filter." + n + ".Value");
            boolean ok;
            if (name.startsWith("tag:")) {
                ok = values.contains(i.tags.get(name.substring(4)));
            } else if (name.equals("tag-key")) {
                ok = values.stream().anyMatch(i.tags::containsKey);
            } else if (name.equals("instance-state-name")) {
                ok = values.contains(i.state);
            } else {
                throw new IllegalArgumentException("filter not supported by the fake: " + name);
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private void terminateInstances(HttpExchange ex, Map<String, String> p) throws IOException {
        StringBuilder xml = new StringBuilder("<TerminateInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
                + "<requestId>r</requestId><instancesSet>");
        for (String id : indexed(p, "InstanceId")) {
            FakeInstance i = instances.get(id);
            if (i == null) {
                error(ex, 400, "InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
                return;
            }
            String before = i.state;
            i.state = "terminated";
            xml.append("<item><instanceId>").append(id).append("</instanceId><currentState><code>32</code><name>shutting-down</name>"
                    + "</currentState><previousState><code>16</code><name>").append(before).append("</name></previousState></item>");
        }
        ok(ex, xml.append("</instancesSet></TerminateInstancesResponse>").toString());
    }

    private String instanceXml(FakeInstance i) {
        int code = switch (i.state) { case "pending" -> 0; case "running" -> 16; case "terminated" -> 48; default -> 80; };
        StringBuilder tags = new StringBuilder();
        i.tags.forEach((k, v) -> tags.append("<item><key>").append(esc(k)).append("</key><value>").append(esc(v)).append("</value></item>"));
        return "<item><instanceId>" + i.id + "</instanceId><imageId>ami-0123456789abcdef0</imageId>"
                + "<instanceState><code>" + code + "</code><name>" + i.state + "</name></instanceState>"
                + (i.type == null ? "" : "<instanceType>" + i.type + "</instanceType>")
                + "<launchTime>" + i.launchTime + "</launchTime>"
                + (i.subnet == null ? "" : "<subnetId>" + i.subnet + "</subnetId>")
                + ("running".equals(i.state) ? "<privateIpAddress>" + privateIp + "</privateIpAddress>" : "")
                + (i.clientToken == null ? "" : "<clientToken>" + esc(i.clientToken) + "</clientToken>")
                + "<tagSet>" + tags + "</tagSet></item>";
    }

    private static void ok(HttpExchange ex, String xml) throws IOException {
        send(ex, 200, xml);
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        send(ex, status, "<Response><Errors><Error><Code>" + code + "</Code><Message>" + esc(message)
                + "</Message></Error></Errors><RequestID>r</RequestID></Response>");
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/xml;charset=UTF-8");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    static List<String> indexed(Map<String, String> p, String prefix) {
        List<String> out = new ArrayList<>();
        for (int n = 1; p.containsKey(prefix + "." + n); n++) {
            out.add(p.get(prefix + "." + n));
        }
        return out;
    }

    private static Map<String, String> parse(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : body.split("&")) {
            if (kv.isEmpty()) {
                continue;
            }
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static final java.util.regex.Pattern CERT = java.util.regex.Pattern.compile("<<'PARAVERSE_CERT'\n(.*?)\nPARAVERSE_CERT\n", java.util.regex.Pattern.DOTALL);
    private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("<<'PARAVERSE_KEY'\n(.*?)\nPARAVERSE_KEY\n", java.util.regex.Pattern.DOTALL);

    /**
     * The TLS part of the user data on a running local server: its certificate and key become the server's
     * ({@code FLUSH SSL} rereads the files it was started with) and {@code require_secure_transport} is set as the
     * script configures it. Shared with the e2e test.
     */
    public static void installTls(String userData, java.nio.file.Path certFile, java.nio.file.Path keyFile, java.sql.Statement root) {
        java.util.regex.Matcher cert = CERT.matcher(userData);
        java.util.regex.Matcher key = KEY.matcher(userData);
        if (!cert.find() || !key.find()) {
            throw new IllegalStateException("no certificate or key in the user data");
        }
        java.util.regex.Matcher on = java.util.regex.Pattern.compile("ssl_cert = %s\\\\nssl_key = %s\\\\nrequire_secure_transport = (ON|OFF)").matcher(userData);
        if (!on.find()) {
            throw new IllegalStateException("the user data does not configure ssl_cert, ssl_key and require_secure_transport");
        }
        try {
            java.nio.file.Files.writeString(certFile, cert.group(1) + "\n");
            java.nio.file.Files.writeString(keyFile, key.group(1) + "\n");
            root.execute("FLUSH SSL");
            root.execute("SET GLOBAL require_secure_transport = " + on.group(1));
        } catch (Exception e) {
            throw new IllegalStateException("cannot install the user data's TLS setup on the local instance", e);
        }
    }

    /**
     * A placeholder certificate and key in {@code dir} for a local MariaDB playing an instance (start it with
     * {@code ssl-cert}/{@code ssl-key} = {@link #instanceCert}/{@link #instanceKey}); {@link #installTls} replaces
     * them with the user data's on "launch".
     */
    public static void placeholderTls(java.nio.file.Path dir) {
        TargetTls.ensure(dir, "instance");
    }

    public static java.nio.file.Path instanceCert(java.nio.file.Path dir) {
        return TargetTls.certFile(dir, "instance");
    }

    public static java.nio.file.Path instanceKey(java.nio.file.Path dir) {
        return TargetTls.keyFile(dir, "instance");
    }
}
