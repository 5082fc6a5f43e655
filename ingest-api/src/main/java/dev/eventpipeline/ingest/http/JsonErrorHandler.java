package dev.eventpipeline.ingest.http;

import dev.eventpipeline.ingest.api.ApiException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors (headers too large, a malformed request line, a broken URI) never reach Javalin;
 * this makes them well-formed {@code error.list} bodies too, without Jetty's HTML or stack traces.
 */
final class JsonErrorHandler extends ErrorHandler {

    /** Jetty writes bodies only for GET, POST and HEAD by default; every answer here carries an error.list. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String id = RequestIds.newId();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(RequestIds.HEADER, id);
        response.write(true, ByteBuffer.wrap(ErrorResponses.body(id, exception(code))), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String id = RequestIds.newId();
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put(RequestIds.HEADER, id);
        return ByteBuffer.wrap(ErrorResponses.body(id, exception(status)));
    }

    private static ApiException exception(int status) {
        // Jetty's message is its own wording (and may echo the request); ours comes from the one table.
        return ApiException.forStatus(status, null);
    }
}
