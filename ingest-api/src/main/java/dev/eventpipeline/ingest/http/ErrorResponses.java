package dev.eventpipeline.ingest.http;

import dev.eventpipeline.ingest.api.ApiError;
import dev.eventpipeline.ingest.api.ApiException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventpipeline.common.json.Json;
import io.javalin.http.Context;

/** The one place that turns an {@link ApiException} into an Intercom {@code error.list} response. */
public final class ErrorResponses {

    private ErrorResponses() {}

    private static final String WRITTEN = "ingest.error-written";

    public static void write(Context ctx, ApiException e) {
        ctx.attribute(WRITTEN, Boolean.TRUE);
        e.headers().forEach(ctx::header);
        ctx.status(e.status());
        ctx.contentType("application/json");
        ctx.result(body(RequestIds.of(ctx), e));
    }

    /** Whether an error body was already written (so Javalin's status-based error handlers leave it alone). */
    public static boolean written(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(WRITTEN));
    }

    public static byte[] body(String requestId, ApiException e) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("type", "error.list");
        body.put("request_id", requestId);
        ArrayNode errors = body.putArray("errors");
        for (ApiError error : e.errors()) {
            ObjectNode node = errors.addObject();
            node.put("code", error.code());
            node.put("message", error.message());
            if (error.field() != null) {
                node.put("field", error.field());
            }
        }
        return Json.toBytes(body);
    }
}
