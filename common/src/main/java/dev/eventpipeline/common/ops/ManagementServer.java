package dev.eventpipeline.common.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small management port of services without an HTTP API of their own: {@code GET /healthz}
 * (200 while the process runs), {@code GET /readyz} (200 when {@code ready} says so, else 503, naming the
 * parts not ready when {@code ready} is a {@link Readiness}) and
 * {@code GET /metrics} (Prometheus text).
 *
 * <p>The JDK's own HTTP server is enough for three read-only endpoints scraped every few seconds;
 * Jetty would add a dependency and threads to services that otherwise need none.
 */
public final class ManagementServer implements AutoCloseable {

    public static final String HOST = "management.host";
    public static final String PORT = "management.port";

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private ManagementServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Adds {@code management.host} and {@code management.port} to a service's settings. Each service has
     * its own default port so that several run side by side on one host without settings.
     */
    public static ConfigDef define(ConfigDef def, int defaultPort) {
        return def
                .define(HOST, Type.STRING, "0.0.0.0", Importance.LOW,
                        "Interface of the management server (/healthz, /readyz, /metrics).")
                .define(PORT, Type.INT, defaultPort, Range.between(-1, 65535), Importance.LOW,
                        "Port of the management server; 0 picks a free port, -1 starts none (the standalone launcher serves none).");
    }

    /** Binds {@code host:port} (port 0 picks a free one) and starts serving. */
    public static ManagementServer start(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier ready) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (BindException e) {
            // The operator can fix this (another process holds the port): a bad setting, named, not a crash.
            throw new ConfigException(PORT, port, "cannot listen on " + host + ":" + port + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the management server to " + host + ":" + port, e);
        }
        server.createContext("/healthz", ex -> respond(ex, 200, "text/plain", "ok\n"));
        server.createContext("/readyz", ex -> {
            // A Readiness names the parts that are not ready, so the 503 says where to look.
            Readiness.Status status = Readiness.check(ready);
            respond(ex, status.ready() ? 200 : 503, "text/plain", status.describe() + "\n");
        });
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        // One thread: scrapes and probes are rare and cheap; more would only compete with the service.
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "management-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        LOG.info("management endpoints on http://{}:{}/ (healthz, readyz, metrics)", host, server.getAddress().getPort());
        return new ManagementServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
