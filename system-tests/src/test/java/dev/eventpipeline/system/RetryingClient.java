package dev.eventpipeline.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A careful producer behind a load balancer: each call goes to one of the running ingest-api instances; on a
 * connection error, a {@code 429} or a {@code 5xx} it waits a little (growing, with jitter) and tries again
 * on the next instance, until it gets any other answer or gives up after {@code patience}. It never retries
 * a {@code 4xx} other than 429: those are answers.
 */
final class RetryingClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Supplier<List<Integer>> ports;
    private final String token;
    private final Duration patience;
    final AtomicLong retries = new AtomicLong();
    final AtomicLong connectionErrors = new AtomicLong();
    final AtomicLong refusals = new AtomicLong();

    RetryingClient(Supplier<List<Integer>> ports, String token, Duration patience) {
        this.ports = ports;
        this.token = token;
        this.patience = patience;
    }

    /** The final answer: a status that is not worth retrying, with its body. */
    record Answer(int status, String body) {}

    /** POSTs {@code body}, starting on instance {@code preferred} (modulo the running ones). */
    Answer post(String path, String body, int preferred) {
        long deadline = System.nanoTime() + patience.toNanos();
        long backoffMillis = 20;
        int attempt = preferred;
        while (true) {
            List<Integer> running = ports.get();
            if (!running.isEmpty()) {
                int port = running.get(Math.floorMod(attempt, running.size()));
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(15))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    int status = response.statusCode();
                    if (status != 429 && status < 500) {
                        return new Answer(status, response.body());
                    }
                    refusals.incrementAndGet();
                } catch (IOException e) {
                    connectionErrors.incrementAndGet(); // the instance went away, or never answered: try another
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no answer but errors for " + path + " within " + patience);
            }
            retries.incrementAndGet();
            attempt++;
            try {
                Thread.sleep(backoffMillis / 2 + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1)); // client back-off, not test synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            backoffMillis = Math.min(1_000, backoffMillis * 2);
        }
    }
}
