package dev.eventpipeline.ingest.http;

import io.javalin.http.Context;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The request id: a UUID chosen when the request arrives, sent back as {@code X-Request-Id} and recorded on the event. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    private static final String ATTRIBUTE = "ingest.request-id";

    private RequestIds() {}

    /** Assigns the id and sets the header; called first for every request. */
    public static void assign(Context ctx) {
        String id = newId();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
    }

    /**
     * A random (version 4) UUID from {@link ThreadLocalRandom}: request ids must be unique, not
     * unguessable, and {@link UUID#randomUUID()} serialises every request on one SecureRandom.
     */
    public static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & 0xFFFFFFFFFFFF0FFFL) | 0x0000000000004000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
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
