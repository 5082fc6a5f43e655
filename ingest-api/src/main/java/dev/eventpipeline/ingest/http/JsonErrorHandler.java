package dev.eventpipeline.ingest.http;

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
        String code = switch (status) {
            case 404 -> "not_found";
            case 408 -> "request_timeout";
            case 413 -> "request_too_large";
            case 414, 431 -> "request_too_large";
            default -> status >= 500 ? "server_error" : "parameter_invalid";
        };
        String message = switch (status) {
            case 431 -> "Request headers are too large";
            case 414 -> "Request URI is too long";
            case 408 -> "The request was not received in time";
            default -> status >= 500 ? "Internal server error" : "Malformed request";
        };
        return new ApiException(status, ApiError.of(code, message));
    }
}
