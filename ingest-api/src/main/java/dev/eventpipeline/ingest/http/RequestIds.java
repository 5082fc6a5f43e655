package dev.eventpipeline.ingest.http;

import io.javalin.http.Context;
import java.util.UUID;

/** The request id: a UUID chosen when the request arrives, sent back as {@code X-Request-Id} and recorded on the event. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    private static final String ATTRIBUTE = "ingest.request-id";

    private RequestIds() {}

    /** Assigns the id and sets the header; called first for every request. */
    public static void assign(Context ctx) {
        String id = UUID.randomUUID().toString();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
    }

    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        if (id == null) {
            // A request that failed before the before-handler ran (Jetty-level errors still reach Javalin's error mapping).
            assign(ctx);
            id = ctx.attribute(ATTRIBUTE);
        }
        return id;
    }
}
