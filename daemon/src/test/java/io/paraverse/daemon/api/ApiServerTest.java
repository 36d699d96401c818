package io.paraverse.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.paraverse.daemon.service.DaemonService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The API's contract and its security: OpenAPI document vs real routes, token, loopback rule, TLS. */
class ApiServerTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private final HttpClient http = HttpClient.newHttpClient();
    private DaemonService daemon;
    private ApiServer api;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    private ApiServer start(ApiServer.Settings settings) {
        daemon = new DaemonService(dir.resolve("data"), (m, l) -> { }, (m, t) -> { });
        api = new ApiServer(daemon, settings, new DaemonMetrics(daemon)).start();
        return api;
    }

    private static ApiServer.Settings loopback(BearerToken token) {
        return new ApiServer.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token, null, null);
    }

    private BearerToken token() throws Exception {
        Path f = dir.resolve("token");
        Files.writeString(f, TOKEN + "\n");
        return BearerToken.fromFile(f);
    }

    @Test
    void theOpenApiDocumentDescribesExactlyTheRoutesServed() throws Exception {
        start(loopback(token()));
        JsonNode doc;
        try (InputStream in = ApiServer.class.getResourceAsStream("openapi.yaml")) {
            doc = new ObjectMapper(new YAMLFactory()).readTree(in);
        }
        Set<String> documented = new TreeSet<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(method -> {
            if (!method.equals("parameters")) {
                documented.add(method.toUpperCase() + " " + p.getKey());
            }
        }));
        assertEquals(new TreeSet<>(api.routes()), documented, "openapi.yaml and the routes served differ");

        // and each documented route is really served (a missing one answers "no such route")
        for (String route : documented) {
            String[] mp = route.split(" ", 2);
            HttpResponse<String> r = send(mp[0], mp[1].replace("{name}", "nosuch"), "{}", TOKEN);
            assertFalse(r.body().contains("no such route"), route + " -> " + r.body());
            assertNotEquals(405, r.statusCode(), route);
        }
        assertTrue(send("GET", "/api/v1/nothing-here", null, TOKEN).body().contains("no such route"));
        HttpResponse<String> jsonAccept = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/v1/nothing"))
                .header("Accept", "application/json").header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, jsonAccept.statusCode());
        assertTrue(jsonAccept.body().contains("\"error\":\"no such route"), jsonAccept.body());
    }

    @Test
    void everyRouteButHealthDocsAndPageNeedsTheToken() throws Exception {
        start(loopback(token()));
        assertEquals(200, send("GET", "/api/v1/health", null, null).statusCode());
        assertEquals(200, send("GET", "/api/v1/openapi.yaml", null, null).statusCode());
        assertEquals(200, send("GET", "/", null, null).statusCode());
        for (String route : List.of("GET /api/v1/migrations", "GET /metrics", "GET /api/v1/migrations/x", "POST /api/v1/migrations/x/abort")) {
            String[] mp = route.split(" ", 2);
            HttpResponse<String> none = send(mp[0], mp[1], "{}", null);
            assertEquals(401, none.statusCode(), route);
            assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(null));
            assertEquals(401, send(mp[0], mp[1], "{}", TOKEN.substring(1)).statusCode(), route + " with a wrong token");
            assertEquals(401, send(mp[0], mp[1], "{}", TOKEN + "x").statusCode(), route + " with a longer token");
        }
        assertEquals(200, send("GET", "/api/v1/migrations", null, TOKEN).statusCode());
        assertTrue(send("GET", "/metrics", null, TOKEN).body().contains("jvm_memory_used_bytes"));
    }

    @Test
    void validationErrorsNameTheField() throws Exception {
        start(loopback(null));
        HttpResponse<String> r = sendTyped("POST", "/api/v1/migrations", "name: x\nsource: {host: h, port: 70000}\n", "application/yaml");
        assertEquals(422, r.statusCode(), r.body());
        assertTrue(r.body().contains("source.port: must be 1-65535, got 70000"), r.body());
        r = send("POST", "/api/v1/migrations", "{\"nope\": 1}", null);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("\"field\":\"path\""), r.body());
        r = send("POST", "/api/v1/migrations", "{not json", null);
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("not JSON"), r.body());
        assertEquals(405, send("DELETE", "/api/v1/migrations", null, null).statusCode());
    }

    @Test
    void listeningBeyondLoopbackRequiresAToken() throws Exception {
        var anywhere = new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0);
        daemon = new DaemonService(dir.resolve("data"), (m, l) -> { }, (m, t) -> { });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ApiServer(daemon, new ApiServer.Settings(anywhere, null, null, null), new DaemonMetrics(daemon)));
        assertTrue(e.getMessage().contains("--token-file"), e.getMessage());
        new ApiServer(daemon, new ApiServer.Settings(anywhere, token(), null, null), new DaemonMetrics(daemon)); // with one it may
    }

    @Test
    void tokensAreReadFromFilesNotShownAndTooShortOnesRefused() throws Exception {
        BearerToken t = token();
        assertTrue(t.accepts("Bearer " + TOKEN));
        assertTrue(t.accepts("bearer " + TOKEN));
        assertFalse(t.accepts(TOKEN));
        assertFalse(t.accepts(null));
        assertFalse(t.toString().contains(TOKEN));
        Files.writeString(dir.resolve("short"), "abc");
        assertThrows(IllegalArgumentException.class, () -> BearerToken.fromFile(dir.resolve("short")));
    }

    @Test
    void servesHttpsFromPemFiles() throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-subj", "/CN=localhost", "-days", "1", "-addext", "subjectAltName=IP:127.0.0.1")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, new String(p.getInputStream().readAllBytes()));
        start(new ApiServer.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, cert, key));

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("daemon", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient https = HttpClient.newBuilder().sslContext(ssl).build();
        HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + api.port() + "/api/v1/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("{\"status\":\"ok\"}", r.body());
        assertThrows(java.io.IOException.class, () -> http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.port() + "/api/v1/health")).build(), HttpResponse.BodyHandlers.ofString()),
                "plain HTTP is not served next to HTTPS");
    }

    private HttpResponse<String> send(String method, String path, String body, String bearer) throws Exception {
        List<String> headers = new ArrayList<>(List.of("Content-Type", "application/json"));
        if (bearer != null) {
            headers.add("Authorization");
            headers.add("Bearer " + bearer);
        }
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).headers(headers.toArray(new String[0]))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> sendTyped(String method, String path, String body, String type) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).header("Content-Type", type)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
