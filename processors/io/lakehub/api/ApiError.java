package io.lakehub.api;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The body of every error the admin API answers ({@link ApiErrors}): {@code {"status": 404, "error": "no table x"}}.
 *
 * @param status the HTTP status code, repeated so a saved answer keeps it
 * @param error  what went wrong and, where there is one, what to send instead (never a stack trace or a secret)
 */
@Schema(description = "An error of the admin API")
public record ApiError(
        @Schema(description = "HTTP status code", example = "404") int status,
        @Schema(description = "What went wrong and, where there is one, what to send instead",
                example = "no table loans_x under silver/") String error) {
}
