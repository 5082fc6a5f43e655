package dev.eventpipeline.ingest.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One entry of an {@code error.list} body; {@code field} is omitted when no single field is at fault. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String code, String message, String field) {

    public static ApiError of(String code, String message) {
        return new ApiError(code, message, null);
    }

    /** The same error reported against a field of an item of a bulk request ({@code items[3].data.created_at}). */
    public ApiError withFieldPrefix(String prefix) {
        return new ApiError(code, message, field == null ? null : prefix + field);
    }
}
