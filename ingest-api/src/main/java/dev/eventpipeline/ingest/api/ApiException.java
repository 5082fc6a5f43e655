package dev.eventpipeline.ingest.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a handler throws to answer with an {@code error.list}: the status, one or more errors and any
 * extra headers ({@code Retry-After}, {@code WWW-Authenticate}). {@link ErrorResponses} writes it.
 * No stack trace is filled in: these are answers, not failures.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient List<ApiError> errors;
    private final transient Map<String, String> headers;

    public ApiException(int status, List<ApiError> errors, Map<String, String> headers) {
        super(errors.isEmpty() ? "status " + status : errors.get(0).code() + ": " + errors.get(0).message(), null, false, false);
        this.status = status;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public ApiException(int status, ApiError error) {
        this(status, List.of(error), Map.of());
    }

    public int status() {
        return status;
    }

    public List<ApiError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public ApiException withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiException(status, errors, h);
    }

    // The statuses and codes of http-api.md, in one place.

    public static ApiException notFoundParameter(String field, String message) {
        return new ApiException(400, new ApiError("parameter_not_found", message, field));
    }

    public static ApiException invalidParameter(String field, String message) {
        return new ApiException(400, new ApiError("parameter_invalid", message, field));
    }

    public static ApiException unauthorized() {
        return new ApiException(401, List.of(ApiError.of("unauthorized", "Access Token Invalid")), Map.of("WWW-Authenticate", "Bearer"));
    }

    public static ApiException forbidden(String scope) {
        return new ApiException(403, ApiError.of("action_forbidden", "The access token does not have the '" + scope + "' scope this endpoint needs"));
    }

    public static ApiException userNotFound() {
        return new ApiException(404, ApiError.of("not_found", "User Not Found"));
    }

    public static ApiException resourceNotFound() {
        return new ApiException(404, ApiError.of("not_found", "Resource Not Found"));
    }

    public static ApiException ambiguousEmail(String email) {
        return new ApiException(409, ApiError.of("conflict",
                "Multiple existing users match this email address " + email + " - must be more specific using user_id"));
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, ApiError.of("conflict", message));
    }

    public static ApiException unsupportedMediaType() {
        return new ApiException(415, ApiError.of("unsupported_media_type", "Content-Type must be application/json"));
    }

    public static ApiException tooLarge(long limit) {
        return new ApiException(413, ApiError.of("request_too_large", "Request body exceeds the limit of " + limit + " bytes"));
    }

    public static ApiException invalidVersion(String version) {
        return new ApiException(400, ApiError.of("intercom_version_invalid",
                "Intercom-Version '" + version + "' is not supported; use 1.0-1.4, 2.0-2.17, Unstable or Preview"));
    }

    public static ApiException unavailable(int retryAfterSeconds) {
        return new ApiException(503, List.of(ApiError.of("service_unavailable", "The event store cannot take writes right now; retry later")),
                Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
    }

    /** A read ({@code GET /events}) the event store cannot answer now: not created yet, unreachable, or too slow. */
    public static ApiException storeUnavailable(int retryAfterSeconds) {
        return new ApiException(503, List.of(ApiError.of("service_unavailable", "The event store cannot be read right now; retry later")),
                Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
    }

    public static ApiException serverError() {
        return new ApiException(500, ApiError.of("server_error", "Internal server error"));
    }

    /**
     * The answer for a bare status that no handler chose a code for: Jetty's own refusals (431, 414, a
     * malformed request line) and Javalin's (405, an unmatched route). The one status-to-code table; the
     * factories above are the statuses our handlers choose themselves. {@code message} is used for 4xx
     * when given; a 5xx never shows internal detail.
     */
    public static ApiException forStatus(int status, String message) {
        String code = switch (status) {
            case 400 -> "parameter_invalid";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413, 414, 431 -> "request_too_large";
            case 415 -> "unsupported_media_type";
            case 503 -> "service_unavailable";
            default -> status >= 500 ? "server_error" : "client_error";
        };
        String text = status >= 500 ? "Internal server error" : message != null && !message.isBlank() ? message : switch (status) {
            case 404 -> "Resource Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "The request was not received in time";
            case 414 -> "Request URI is too long";
            case 431 -> "Request headers are too large";
            default -> "Malformed request";
        };
        return new ApiException(status, ApiError.of(code, text));
    }
}
