package dev.eventpipeline.bench.pipeline;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** The calls the benchmark makes to an ingest API besides the load: contacts, readiness, the accepted-events counter. */
final class ApiClient {

    static final String ACCEPTED_COUNTER = "ingest_events_accepted_total";

    /** A request to a local API either answers within this or something is wrong with the run. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String token;

    ApiClient(String baseUrl, String token) {
        this.baseUrl = baseUrl;
        this.token = token;
    }

    String baseUrl() {
        return baseUrl;
    }

    /**
     * Creates users {@code bench-0} … {@code bench-(n-1)} (their {@code external_id}) with {@code POST /contacts},
     * {@code concurrency} at a time. A created contact resolves on the same instance at once, so the load
     * may start as soon as this returns.
     */
    void createContacts(int n, int concurrency) throws InterruptedException {
        Semaphore window = new Semaphore(concurrency);
        List<CompletableFuture<Void>> calls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            window.acquire();
            String externalId = "bench-" + i;
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/contacts")).timeout(REQUEST_TIMEOUT)
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"external_id\":\"" + externalId + "\"}")).build();
            calls.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
                window.release();
                if (error != null) {
                    throw new IllegalStateException("POST /contacts for " + externalId + " failed", error);
                }
                if (response.statusCode() / 100 != 2) {
                    throw new IllegalStateException("POST /contacts for " + externalId + " answered " + response.statusCode()
                            + ": " + response.body());
                }
                return null;
            }));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
    }

    /** Polls {@code /readyz} until it answers 200; fails if {@code alive} turns false or the time is up. */
    void awaitReady(Duration timeout, ChildJvm process) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/readyz")).timeout(Duration.ofSeconds(5)).GET().build();
        while (true) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // Connection refused until the HTTP server is up: keep polling within the deadline.
            }
            if (!process.isAlive()) {
                throw process.died("before /readyz answered 200");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(process.label() + ": " + baseUrl + "/readyz not 200 within " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** Events the API has acknowledged so far, bulk items included (its {@value #ACCEPTED_COUNTER}). */
    long acceptedEvents() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).timeout(REQUEST_TIMEOUT).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /metrics answered " + response.statusCode());
        }
        return Math.round(prometheusValue(response.body(), ACCEPTED_COUNTER));
    }

    /**
     * The value of a metric in Prometheus' text format, summed over its label sets: lines
     * {@code name value} or {@code name{labels} value}; comments and other metrics are skipped.
     */
    static double prometheusValue(String exposition, String metric) {
        double sum = 0;
        boolean found = false;
        for (String line : exposition.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(metric)) {
                continue;
            }
            String rest = line.substring(metric.length());
            if (rest.startsWith("{")) {
                rest = rest.substring(rest.indexOf('}') + 1);
            } else if (!rest.startsWith(" ")) {
                continue; // another metric whose name starts with this one
            }
            String[] parts = rest.trim().split("\\s+");
            sum += Double.parseDouble(parts[0]);
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("no metric " + metric + " in /metrics");
        }
        return sum;
    }
}
