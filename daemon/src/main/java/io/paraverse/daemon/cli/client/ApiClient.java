package io.paraverse.daemon.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Calls the daemon's REST API for the runbook commands; failures become {@link ApiCallException}s with exit codes. */
public final class ApiClient {
    public static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), path);
    }

    public JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE(), path);
    }

    public JsonNode post(String path, Map<String, ?> body) {
        try {
            return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), path);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode postYaml(String path, String yaml) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(yaml)), path);
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private JsonNode send(HttpRequest.Builder b, String path) {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.timeout(Duration.ofSeconds(150)); // the daemon waits up to 120 s for an operation before answering 202
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ApiCallException(ExitCodes.UNREACHABLE, "cannot reach the daemon at " + base
                    + " (is it running? --url / $PARAVERSE_URL)");
        } catch (IOException e) {
            throw new ApiCallException(ExitCodes.UNREACHABLE, "talking to the daemon at " + base + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiCallException(ExitCodes.FAILED, "interrupted");
        }
        JsonNode body;
        try {
            body = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            body = JSON.createObjectNode().put("error", r.body());
        }
        if (r.statusCode() >= 400) {
            int exit = switch (r.statusCode()) {
                case 401 -> ExitCodes.UNAUTHORIZED;
                case 404 -> ExitCodes.NOT_FOUND;
                case 409 -> ExitCodes.CONFLICT;
                case 400, 422 -> ExitCodes.USAGE;
                default -> ExitCodes.FAILED;
            };
            StringBuilder msg = new StringBuilder(body.path("error").asText("HTTP " + r.statusCode()));
            body.path("problems").forEach(p -> msg.append("\n  ").append(p.asText()));
            throw new ApiCallException(exit, msg.toString(), body);
        }
        return body;
    }
}
