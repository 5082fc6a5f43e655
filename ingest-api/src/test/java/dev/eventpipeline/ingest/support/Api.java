package dev.eventpipeline.ingest.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A small HTTP client for the API under test: real requests over a socket. */
public final class Api {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    public Api(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    public Api withToken(String other) {
        return new Api(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), other);
    }

    public Response postJson(String path, String body) {
        return send(path, "POST", body, Map.of("Content-Type", "application/json"));
    }

    public Response get(String path) {
        return send(path, "GET", null, Map.of());
    }

    public Response send(String path, String method, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::setHeader);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A response and helpers for the error.list checks every test makes. */
    public record Response(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String firstCode() {
            return json().path("errors").path(0).path("code").asText(null);
        }

        public String firstField() {
            JsonNode f = json().path("errors").path(0).get("field");
            return f == null ? null : f.asText();
        }

        public String firstMessage() {
            return json().path("errors").path(0).path("message").asText(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
