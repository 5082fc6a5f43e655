package dev.eventpipeline.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventpipeline.ingest.support.TestApp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A client that stops sending mid-body is answered 408 once the idle timeout passes (not held forever), and nothing is stored. */
class SlowClientTest {

    @Test
    void a_stalled_upload_gets_408_after_the_idle_timeout_and_stores_nothing() throws Exception {
        HttpLimits oneSecondIdle = new HttpLimits(64 * 1024, 2 << 20, 100, 1000, 1000, "2.10", Duration.ofSeconds(1), 1024, 8192,
                Duration.ofSeconds(5), 100);
        try (TestApp app = TestApp.start(oneSecondIdle, true); Socket socket = new Socket("127.0.0.1", app.javalin.port())) {
            // Failing the read after 15 s means the server held a stalled connection: what the timeout prevents.
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            String body = "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"u\"}";
            out.write(("POST /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestApp.WRITER
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 10))
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            long start = System.nanoTime();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            System.out.println("stalled upload: answered after " + waitedMs + " ms: " + answer.replace("\r\n", " | "));
            assertThat(waitedMs).isLessThan(15_000);
            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat(answer).contains("\"code\":\"request_timeout\"").contains("X-Request-Id:");
            assertThat(app.log.events).isEmpty();
        }
    }

    @Test
    void a_trickling_upload_below_the_minimum_data_rate_gets_408_before_the_idle_timeout() throws Exception {
        // Idle timeout 30 s, so only the data-rate check can end this exchange within the 15 s read timeout.
        HttpLimits limits = new HttpLimits(64 * 1024, 2 << 20, 100, 1000, 1000, "2.10", Duration.ofSeconds(30), 64, 8192,
                Duration.ofSeconds(5), 100);
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (TestApp app = TestApp.start(limits, true); Socket socket = new Socket("127.0.0.1", app.javalin.port())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            String body = "{\"event_name\":\"e\",\"created_at\":1,\"user_id\":\"u\",\"pad\":\"" + "x".repeat(400) + "\"}";
            out.write(("POST /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestApp.WRITER
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            // One byte every 100 ms: 10 B/s, far below 64 B/s.
            AtomicInteger sent = new AtomicInteger();
            trickle.scheduleAtFixedRate(() -> {
                int i = sent.getAndIncrement();
                if (i < body.length()) {
                    try {
                        out.write(body.charAt(i));
                        out.flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e); // the server closed: stops the schedule, which is what we wait for
                    }
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat(answer).contains("\"code\":\"request_timeout\"");
            assertThat(sent.get()).as("cut off long before the whole body was sent").isLessThan(body.length());
            assertThat(app.log.events).isEmpty();
        } finally {
            trickle.shutdownNow();
        }
    }
}
