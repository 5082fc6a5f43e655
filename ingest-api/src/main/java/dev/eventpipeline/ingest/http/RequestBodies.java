package dev.eventpipeline.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventpipeline.ingest.api.ApiError;
import dev.eventpipeline.ingest.api.ApiException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.eclipse.jetty.http.HttpException;

/**
 * Reading a request body: its content type (415), its size (413, before a byte is parsed, never
 * buffered past the limit), then strict JSON (400). Every body-carrying endpoint reads through here.
 */
final class RequestBodies {

    /** Oversized bodies up to this size are read and thrown away so the client can read our 413. */
    private static final long MAX_DISCARD_BYTES = 8L * 1024 * 1024;

    private RequestBodies() {}

    /** The body, once its content type and size are acceptable, parsed strictly. */
    static JsonNode readJson(Context ctx, int limit) {
        if (!isJson(ctx.header("Content-Type"))) {
            throw ApiException.unsupportedMediaType();
        }
        long declared = ctx.req().getContentLengthLong();
        byte[] body;
        try {
            InputStream in = ctx.req().getInputStream();
            if (declared > limit) {
                throw tooLarge(ctx, in, limit, declared); // refused before a byte of it is parsed
            }
            body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw tooLarge(ctx, in, limit, -1); // chunked: counted while reading, never buffered past the limit
            }
        } catch (IOException e) {
            // The client stopped sending (idle timeout) or went away.
            throw new ApiException(408, ApiError.of("request_timeout", "The request body could not be read in time"));
        } catch (HttpException.RuntimeException e) {
            // Jetty refused the body while we read it (below http.min.request.data.rate, or malformed chunking).
            throw new ApiException(e.getCode(), ApiError.of(e.getCode() == 408 ? "request_timeout" : "parameter_invalid",
                    e.getCode() == 408 ? "The request body was sent too slowly" : "The request body could not be read"));
        }
        return StrictJson.parseObject(body);
    }

    /**
     * The 413, after discarding (never buffering) the rest of a moderately oversized body: a server
     * that closes while the client is still sending makes the client's TCP stack drop our answer
     * (connection reset), so the client would see an I/O error instead of the 413. Bodies larger
     * than {@link #MAX_DISCARD_BYTES} are not read; the connection is closed after the answer.
     */
    private static ApiException tooLarge(Context ctx, InputStream in, int limit, long declared) throws IOException {
        ctx.header("Connection", "close");
        if (declared <= MAX_DISCARD_BYTES) {
            byte[] sink = new byte[8192];
            long discarded = 0;
            int n;
            while (discarded <= MAX_DISCARD_BYTES && (n = in.read(sink)) >= 0) {
                discarded += n;
            }
        }
        return ApiException.tooLarge(limit);
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=")) {
                String charset = p.substring("charset=".length()).replace("\"", "");
                if (!charset.equals("utf-8") && !charset.equals("utf8")) {
                    return false; // JSON is UTF-8 (RFC 8259); we decode nothing else
                }
            }
        }
        return true;
    }

    /** An optional string field: null when absent, JSON null or empty; 400 when not a string. */
    static String optionalString(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.invalidParameter(field, field + " must be a string");
        }
        return node.textValue().isEmpty() ? null : node.textValue();
    }
}
