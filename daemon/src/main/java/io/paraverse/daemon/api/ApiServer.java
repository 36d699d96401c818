package io.paraverse.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import io.javalin.router.Endpoint;
import io.paraverse.daemon.migration.PhaseConflictException;
import io.paraverse.daemon.migration.config.MigrationConfigException;
import io.paraverse.daemon.service.DaemonService;
import io.paraverse.daemon.service.MigrationRunner;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The daemon's REST API (JSON over HTTP, versioned under {@code /api/v1}; the contract is openapi.yaml, served at
 * {@code /api/v1/openapi.yaml}), its Prometheus endpoint ({@code /metrics}) and its status page ({@code /}).
 * Bound to loopback by default; bound anywhere else it refuses to start without a bearer token. Every route but the
 * health check, the API description and the page itself needs the token when one is set.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    static final String PREFIX = "/api/v1";
    private static final long REQUEST_WAIT_SECONDS = 120;

    /** How the server listens: address, token (null = none), TLS PEM files (null = plain HTTP). */
    public record Settings(InetSocketAddress listen, BearerToken token, Path tlsCertificate, Path tlsKey) {
        public Settings {
            if ((tlsCertificate == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together");
            }
        }

        public static Settings loopback(int port) {
            return new Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), null, null, null);
        }
    }

    private final DaemonService daemon;
    private final Settings settings;
    private final DaemonMetrics metrics;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final List<Endpoint> endpoints;
    private Javalin app;

    public ApiServer(DaemonService daemon, Settings settings, DaemonMetrics metrics) {
        this.daemon = daemon;
        this.settings = settings;
        this.metrics = metrics;
        InetAddress host = settings.listen().getAddress();
        if (settings.token() == null && (host == null || !host.isLoopbackAddress())) {
            throw new IllegalArgumentException("the API would listen on " + settings.listen().getHostString() + ", which is not"
                    + " loopback, without a token: give --token-file FILE or --token-env VAR (or listen on 127.0.0.1)");
        }
        this.endpoints = endpoints();
    }

    private List<Endpoint> endpoints() {
        String m = PREFIX + "/migrations/{name}";
        return List.of(
                new Endpoint(HandlerType.GET, PREFIX + "/health", ctx -> send(ctx, 200, Map.of("status", "ok"))),
                new Endpoint(HandlerType.GET, PREFIX + "/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(resource("openapi.yaml"))),
                new Endpoint(HandlerType.GET, "/", ctx -> ctx.contentType("text/html; charset=utf-8").result(resource("status.html"))),
                new Endpoint(HandlerType.GET, "/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape())),
                new Endpoint(HandlerType.GET, PREFIX + "/migrations", this::list),
                new Endpoint(HandlerType.POST, PREFIX + "/migrations", this::create),
                new Endpoint(HandlerType.GET, m, ctx -> send(ctx, 200, MigrationView.detail(runner(ctx)))),
                new Endpoint(HandlerType.DELETE, m, this::forget),
                new Endpoint(HandlerType.POST, m + "/pause", ctx -> request(ctx, () -> new MigrationRunner.Pause(reason(ctx)))),
                new Endpoint(HandlerType.POST, m + "/resume", ctx -> request(ctx, () -> new MigrationRunner.Resume(reason(ctx)))),
                new Endpoint(HandlerType.POST, m + "/abort", ctx -> request(ctx, () -> new MigrationRunner.Abort(reason(ctx)))),
                new Endpoint(HandlerType.POST, m + "/acknowledge-ddl",
                        ctx -> request(ctx, () -> new MigrationRunner.AcknowledgeDdl(required(ctx, "gtid"), reason(ctx)))),
                new Endpoint(HandlerType.POST, m + "/skip", ctx -> request(ctx, () -> new MigrationRunner.Skip(required(ctx, "gtid"), reason(ctx), "api from " + ctx.ip()))),
                new Endpoint(HandlerType.GET, m + "/upgrade-log", this::upgradeLog),
                new Endpoint(HandlerType.POST, m + "/cutover", this::cutover),
                new Endpoint(HandlerType.POST, m + "/verify", this::verify),
                new Endpoint(HandlerType.GET, m + "/cutover", ctx -> send(ctx, 200, cutoverReport(runner(ctx)))));
    }

    /** Every route served, as "METHOD path" (the OpenAPI test compares them with openapi.yaml). */
    List<String> routes() {
        return endpoints.stream().map(e -> e.method.name() + " " + e.path).toList();
    }

    public ApiServer start() {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.prefer405over404 = true;
            config.jetty.host = settings.listen().getHostString();
            config.jetty.port = settings.listen().getPort();
            if (settings.tlsCertificate() != null) {
                var keyStore = PemKeyStore.load(settings.tlsCertificate(), settings.tlsKey());
                config.jetty.addConnector((server, http) -> {
                    SslContextFactory.Server ssl = new SslContextFactory.Server();
                    ssl.setKeyStore(keyStore);
                    ssl.setKeyStorePassword("");
                    HttpConfiguration https = new HttpConfiguration(http);
                    https.addCustomizer(new SecureRequestCustomizer());
                    ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                            new HttpConnectionFactory(https));
                    c.setHost(settings.listen().getHostString());
                    c.setPort(settings.listen().getPort());
                    return c;
                });
            }
            config.routes.before(this::authenticate);
            endpoints.forEach(config.routes::addEndpoint);
            config.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status, e.getMessage(), e.details));
            config.routes.exception(PhaseConflictException.class, (e, ctx) -> error(ctx, 409, e.getMessage(),
                    Map.of("phase", e.phase(), "allowedIn", e.allowedIn())));
            config.routes.exception(MigrationConfigException.class, (e, ctx) -> error(ctx, 422, "the migration definition is invalid",
                    Map.of("problems", e.problems())));
            config.routes.exception(DaemonService.DuplicateMigrationException.class, (e, ctx) -> error(ctx, 409, e.getMessage(), null));
            config.routes.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage(), null));
            config.routes.exception(io.paraverse.daemon.migration.BusyException.class, (e, ctx) -> error(ctx, 409, e.getMessage(), null));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("API {} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal error: " + e.getMessage(), null);
            });
            config.routes.error(404, ctx -> {
                if (ctx.attribute("paraverse.error") == null) { // not one of ours (an unknown route)
                    error(ctx, 404, "no such route: " + ctx.method() + " " + ctx.path() + " (see " + PREFIX + "/openapi.yaml)", null);
                }
            });
            config.routes.error(405, ctx -> error(ctx, 405, ctx.method() + " is not allowed on " + ctx.path(), null));
        }).start();
        log.info("API listening on {}://{}:{}", settings.tlsCertificate() == null ? "http" : "https",
                settings.listen().getHostString(), port());
        return this;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return app.port();
    }

    private void authenticate(Context ctx) {
        if (settings.token() == null) {
            return;
        }
        String path = ctx.path();
        if (path.equals(PREFIX + "/health") || path.equals(PREFIX + "/openapi.yaml") || path.equals("/")) {
            return; // the page holds no data: it asks for the token and sends it with each call
        }
        if (!settings.token().accepts(ctx.header("Authorization"))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "missing or wrong bearer token (send `Authorization: Bearer <token>`)", null);
        }
    }

    private void list(Context ctx) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (MigrationRunner r : daemon.runners()) {
            all.add(MigrationView.summary(r));
        }
        send(ctx, 200, Map.of("migrations", all));
    }

    /** A definition as YAML ({@code Content-Type: application/yaml}) or {@code {"path": "/on/the/daemon/host.yaml"}}. */
    private void create(Context ctx) throws IOException {
        String type = String.valueOf(ctx.contentType());
        MigrationRunner r;
        if (type.contains("yaml")) {
            r = daemon.create(ctx.body(), daemon.dataDir());
        } else {
            JsonNode body = body(ctx);
            String path = body.path("path").asText(null);
            if (path == null) {
                throw new ApiException(400, "send the definition as YAML (Content-Type: application/yaml) or as"
                        + " {\"path\": \"<file on the daemon's host>\"}", Map.of("field", "path"));
            }
            Path file = Path.of(path);
            if (!Files.isRegularFile(file)) {
                throw new ApiException(400, "path: no such file on the daemon's host: " + file, Map.of("field", "path"));
            }
            r = daemon.create(Files.readString(file), file.toAbsolutePath().getParent());
        }
        ctx.header("Location", PREFIX + "/migrations/" + r.name());
        send(ctx, 201, MigrationView.detail(r));
    }

    private void request(Context ctx, java.util.function.Supplier<MigrationRunner.Request> request) throws Exception {
        MigrationRunner r = runner(ctx); // 404 before the body is looked at
        CompletableFuture<?> done = r.submit(request.get());
        try {
            done.get(REQUEST_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            send(ctx, 202, Map.of("accepted", true, "message", "still being carried out; follow GET " + PREFIX + "/migrations/"
                    + ctx.pathParam("name")));
            return;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
        send(ctx, 200, MigrationView.detail(runner(ctx)));
    }

    /** {@code {"dryRun": bool, "timeout": "5s"}}: runs the cutover (or its checks) and answers with its report. */
    private void cutover(Context ctx) throws Exception {
        MigrationRunner r = runner(ctx);
        JsonNode body = body(ctx);
        boolean dryRun = body.path("dryRun").asBoolean(false);
        java.time.Duration timeout = null;
        if (body.hasNonNull("timeout")) {
            try {
                timeout = io.paraverse.daemon.migration.config.Durations.parse(body.path("timeout").asText());
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "timeout: " + e.getMessage(), Map.of("field", "timeout"));
            }
        }
        var before = r.migration().lastCutover();
        CompletableFuture<?> done = r.submit(new MigrationRunner.Cutover(dryRun, timeout));
        try {
            done.get(REQUEST_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
        var report = r.migration().lastCutover();
        if (report == null || report == before) {
            throw new IllegalStateException("the cutover ended without a report");
        }
        int status = report.succeeded() ? 200 : 409; // refused, rolled back or switch pending: the report says which and why
        send(ctx, status, cutoverReport(r));
    }

    /** {@code {"mode": "sampled"|"full", "sample": 200, "rate": 5000}}: runs a verification and answers with its report. */
    private void verify(Context ctx) throws Exception {
        MigrationRunner r = runner(ctx);
        JsonNode body = body(ctx);
        io.paraverse.daemon.verify.VerifyMode mode;
        try {
            mode = io.paraverse.daemon.verify.VerifyMode.valueOf(body.path("mode").asText("sampled").toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "mode: one of full, sampled", Map.of("field", "mode"));
        }
        if (mode == io.paraverse.daemon.verify.VerifyMode.KEYS) {
            throw new ApiException(400, "mode: one of full, sampled (keys is the cutover's own)", Map.of("field", "mode"));
        }
        int sample = body.path("sample").asInt(1000);
        long rate = body.path("rate").asLong(io.paraverse.daemon.verify.VerifyOptions.DEFAULT_ROWS_PER_SECOND);
        if (sample <= 0) {
            throw new ApiException(400, "sample: must be above 0", Map.of("field", "sample"));
        }
        if (rate <= 0) {
            throw new ApiException(400, "rate: must be above 0 rows per second", Map.of("field", "rate"));
        }
        var done = r.verify(mode, sample, rate);
        try {
            var report = done.get(REQUEST_WAIT_SECONDS, TimeUnit.SECONDS);
            send(ctx, report.clean() ? 200 : 409, Map.of("migration", r.name(), "clean", report.clean(), "report", report));
        } catch (TimeoutException e) {
            send(ctx, 202, Map.of("accepted", true, "message", "still verifying; its summary appears as lastVerification in GET "
                    + PREFIX + "/migrations/" + r.name()));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    private static Map<String, Object> cutoverReport(MigrationRunner r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("migration", r.name());
        m.put("phase", r.state().phase());
        m.put("report", r.migration().lastCutover());
        return m;
    }

    /** Removes an ABORTED migration (its name can be used again); 409 in any other phase. */
    private void forget(Context ctx) throws Exception {
        MigrationRunner r = runner(ctx);
        Path kept = daemon.forget(r.name());
        send(ctx, 200, Map.of("forgotten", r.name(), "keptIn", kept.toString()));
    }

    private void upgradeLog(Context ctx) throws IOException {
        MigrationRunner r = runner(ctx);
        int lines = ctx.queryParamAsClass("lines", Integer.class).check(n -> n > 0 && n <= 10_000, "1..10000").getOrDefault(100);
        Path log = r.migration().upgradeLog();
        List<String> tail = new ArrayList<>();
        if (Files.exists(log)) {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            tail = all.subList(Math.max(0, all.size() - lines), all.size());
        }
        send(ctx, 200, Map.of("file", log.toString(), "lines", tail));
    }

    private MigrationRunner runner(Context ctx) {
        String name = ctx.pathParam("name");
        return daemon.runner(name).orElseThrow(() -> new ApiException(404, "no migration named '" + name + "' in this daemon", null));
    }

    private JsonNode body(Context ctx) {
        String text = ctx.body();
        if (text.isBlank()) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(text);
        } catch (IOException e) {
            throw new ApiException(400, "the request body is not JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), null);
        }
    }

    private String required(Context ctx, String field) {
        String v = body(ctx).path(field).asText(null);
        if (v == null || v.isBlank()) {
            throw new ApiException(400, field + ": required", Map.of("field", field));
        }
        return v;
    }

    private String reason(Context ctx) {
        return required(ctx, "reason");
    }

    private void send(Context ctx, int status, Object body) {
        try {
            ctx.status(HttpStatus.forStatus(status)).contentType("application/json").result(json.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void error(Context ctx, int status, String message, Map<String, ?> details) {
        ctx.attribute("paraverse.error", true);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (details != null) {
            body.putAll(details);
        }
        send(ctx, status, body);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ApiServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource " + name + " missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
    }

    /** An HTTP error with its status and JSON details. */
    static final class ApiException extends RuntimeException {
        final int status;
        final transient Map<String, ?> details;

        ApiException(int status, String message, Map<String, ?> details) {
            super(message);
            this.status = status;
            this.details = details;
        }
    }
}
