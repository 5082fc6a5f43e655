package dev.eventpipeline.bench.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Handler;

/**
 * The baseline of the API's HTTP side, run by the pipeline benchmark in a JVM of its own: Javalin 7
 * with its defaults, one handler that parses the body with Jackson and answers 202. No auth, no
 * validation, no Kafka. Prints {@code LISTENING <port>} once it accepts connections; SIGTERM stops it.
 */
public final class BareJavalin {

    private BareJavalin() {}

    public static void main(String[] args) {
        ObjectMapper mapper = new ObjectMapper();
        Handler parseAndAccept = ctx -> {
            mapper.readTree(ctx.bodyAsBytes());
            ctx.status(202);
        };
        Javalin app = Javalin.create(config -> {
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.startup.showJavalinBanner = false;
            config.routes.post("/events", parseAndAccept);
            config.routes.post("/bulk/events", parseAndAccept);
        }).start();
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "bare-javalin-stop"));
        System.out.println("LISTENING " + app.port());
        System.out.flush();
    }
}
