package io.lakehub.api;

import java.sql.SQLException;
import java.util.ConcurrentModificationException;
import java.util.Map;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.lakehub.cluster.NotLeaderException;
import io.lakehub.delta.SchemaMismatchException;
import io.lakehub.delta.UnreadableTableException;
import io.lakehub.delta.UnreadableVersionException;
import io.lakehub.delta.VersionGoneException;
import io.lakehub.replication.ReplicationService;
import io.lakehub.run.FailureKind;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Maps the typed failures of the admin API to status codes, each answered as an {@link ApiError}
 * {@code {"status": n, "error": "..."}}: the exception's type decides, never its message text.
 *
 * <table>
 *   <caption>Exception types and their status codes</caption>
 *   <tr><th>status</th><th>exception</th><th>meaning</th></tr>
 *   <tr><td>400</td><td>{@link IllegalArgumentException} (also {@link io.lakehub.lakesql.SqlRefusedException},
 *       {@link io.lakehub.sample.UnknownSampleYearException}), a parameter of the wrong type or missing, an
 *       unreadable body</td><td>bad request: the message says what to send</td></tr>
 *   <tr><td>404</td><td>{@link NoSuchElementException}</td><td>unknown table, version, tag, source, route, replication</td></tr>
 *   <tr><td>409</td><td>{@link IllegalStateException} (also {@link io.lakehub.delta.UnwritableTableException}),
 *       {@link ConcurrentModificationException}, {@link SchemaMismatchException}; {@link NotLeaderException} as
 *       {@link NotLeaderError}</td><td>state conflict: an existing tag, a running route, a commit race lost, a schema
 *       that does not fit the table, a follower asked to run a source</td></tr>
 *   <tr><td>410</td><td>{@link VersionGoneException}</td><td>a version whose data files VACUUM removed (RFC 9110
 *       section 15.5.11: the resource existed and will not come back)</td></tr>
 *   <tr><td>422</td><td>{@link UnreadableTableException} of reason {@code UNSUPPORTED_FEATURE},
 *       {@link UnreadableVersionException}</td><td>the table is fine but uses a Delta feature the hub does not read</td></tr>
 *   <tr><td>500</td><td>{@link UnreadableTableException} of reason {@code BROKEN_LOG}; an {@link SQLException} of
 *       a source that answers</td><td>the table's log is broken; the source failed the statement</td></tr>
 *   <tr><td>503</td><td>an {@link SQLException} that {@link FailureKind#of(Throwable)} classifies as
 *       {@link FailureKind#SOURCE_UNREACHABLE} or {@link FailureKind#ACCESS_DENIED} (SQLState class 08 or 28,
 *       a refused connection)</td><td>the source cannot be used until it or its credentials are fixed</td></tr>
 * </table>
 * Each handler declares its answer with {@link ApiResponse}, so springdoc adds the error responses with the
 * {@link ApiError} schema to every operation of {@code io.lakehub.api} in {@code /v3/api-docs}.
 */
@RestControllerAdvice(basePackages = "io.lakehub.api")
public class ApiErrors {

    /** An unknown table, version, tag, source, route or replication: 404. */
    @ExceptionHandler(NoSuchElementException.class)
    @ApiResponse(responseCode = "404", description = "unknown table, version, tag, source, route or replication",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public ResponseEntity<ApiError> notFound(NoSuchElementException e) {
        return error(HttpStatus.NOT_FOUND, e.getMessage());
    }

    /** A bad parameter (wrong form, wrong type, missing) or a refused SQL statement: 400. */
    @ExceptionHandler({IllegalArgumentException.class, MethodArgumentTypeMismatchException.class,
            MissingServletRequestParameterException.class})
    @ApiResponse(responseCode = "400", description = "bad parameter or body; the message says what to send",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public ResponseEntity<ApiError> badRequest(Exception e) {
        return error(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /**
     * What each JSON request body of the admin API is called in an error, and an example of one: the
     * body type of the endpoint that refused the request picks the text, so a malformed replication
     * request is not answered with the tag example.
     */
    private static final Map<Class<?>, String[]> BODIES = Map.of(
            ReplicationService.Request.class, new String[] {"a replication request",
                "{\"requestId\":\"team-2025-12\",\"table\":\"insurance_complaints\",\"target\":\"replicas\","
                        + "\"columns\":[\"company\",\"closed\"],\"notify\":[\"team@example.org\"]}"},
            TablesController.TagRequest.class, new String[] {"a tag request", "{\"tag\":\"v2015\",\"version\":3}"},
            WatermarksController.WatermarkRequest.class, new String[] {"a watermark",
                "{\"value\":\"2024-01-01T00:00:00\"}"});

    /**
     * A request body that is missing, is not JSON, or does not fit the endpoint's body type: 400 with
     * {@code "the request body is not valid JSON for <what the endpoint takes> (line L, column C: <parser
     * message>); expected a JSON object such as <example>"}. The location is the one Jackson reports
     * ({@link JsonProcessingException#getLocation()}, 1-based line and column of the body); the example
     * is the endpoint's own ({@link #BODIES}), or none for a body type not listed there.
     *
     * @param handler the controller method that was to take the body (null if Spring gives none)
     */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    @ApiResponse(responseCode = "400", description = "bad parameter or body; the message says what to send",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public ResponseEntity<ApiError> unreadableBody(HttpMessageNotReadableException e, HandlerMethod handler) {
        Class<?> type = bodyType(handler);
        String[] known = type == null ? null : BODIES.get(type);
        String what = known != null ? known[0]
                : type != null ? "a " + type.getSimpleName() : "this endpoint";
        String example = known == null ? "" : "; expected a JSON object such as " + known[1];
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof JsonProcessingException json) {
            JsonLocation at = json.getLocation();
            String where = at == null || at.getLineNr() < 1 ? ""
                    : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            return error(HttpStatus.BAD_REQUEST, "the request body is not valid JSON for " + what + " (" + where
                    + json.getOriginalMessage() + ")" + example);
        }
        return error(HttpStatus.BAD_REQUEST, "the request body is missing or unreadable for " + what + " ("
                + cause.getMessage() + ")" + example);
    }

    /** The type of the {@code @RequestBody} parameter of a controller method, or null. */
    private static Class<?> bodyType(HandlerMethod handler) {
        if (handler == null) {
            return null;
        }
        for (MethodParameter p : handler.getMethodParameters()) {
            if (p.hasParameterAnnotation(RequestBody.class)) {
                return p.getParameterType();
            }
        }
        return null;
    }

    /** A state conflict (an existing tag, a running route, a commit race lost too often, a schema that does not fit): 409. */
    @ExceptionHandler({IllegalStateException.class, ConcurrentModificationException.class, SchemaMismatchException.class})
    @ApiResponse(responseCode = "409", description = "state conflict: existing tag or destination, route running, "
            + "commit race lost, schema that does not fit the table, flow off or busy",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public ResponseEntity<ApiError> conflict(RuntimeException e) {
        return error(HttpStatus.CONFLICT, e.getMessage());
    }

    /**
     * A table whose log cannot be read: 422 when it uses a Delta feature the hub does not read (the table is
     * fine, the request cannot be served), 500 when its log is broken; the message names the feature or the
     * broken file.
     */
    @ExceptionHandler(UnreadableTableException.class)
    @ApiResponse(responseCode = "422", description = "the table uses a Delta feature the hub does not read",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    @ApiResponse(responseCode = "500", description = "the table's log is broken, or the source failed the statement",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public ResponseEntity<ApiError> unreadable(UnreadableTableException e) {
        return error(e.reason() == UnreadableTableException.Reason.UNSUPPORTED_FEATURE
                ? HttpStatus.UNPROCESSABLE_ENTITY : HttpStatus.INTERNAL_SERVER_ERROR, e.getMessage());
    }

    /** A version whose files do not hold its rows as plain Parquet (column mapping, deletion vectors): 422. */
    @ExceptionHandler(UnreadableVersionException.class)
    @ApiResponse(responseCode = "422", description = "the table uses a Delta feature the hub does not read",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public ResponseEntity<ApiError> unreadableVersion(UnreadableVersionException e) {
        return error(HttpStatus.UNPROCESSABLE_ENTITY, e.getMessage());
    }

    /**
     * A source database that failed: 503 when it cannot be reached or refuses the hub's credentials
     * ({@link FailureKind#sourceDown()}, by SQLState and exception type), else 500 with the driver's message.
     */
    @ExceptionHandler(SQLException.class)
    @ApiResponse(responseCode = "503", description = "the source cannot be reached or refuses the hub's credentials",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public ResponseEntity<ApiError> source(SQLException e) {
        FailureKind kind = FailureKind.of(e);
        return kind.sourceDown()
                ? error(HttpStatus.SERVICE_UNAVAILABLE, "source " + (kind == FailureKind.ACCESS_DENIED
                        ? "refuses the hub's credentials: " : "unreachable: ") + e.getMessage())
                : error(HttpStatus.INTERNAL_SERVER_ERROR, e.getMessage());
    }

    /**
     * "Run now" on a follower: 409 with {@code source}, {@code instance} (this follower) and {@code leader} (the
     * leading instance's id, or null when the lock does not record it).
     */
    @ExceptionHandler(NotLeaderException.class)
    public ResponseEntity<NotLeaderError> notLeader(NotLeaderException e) {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(new NotLeaderError(HttpStatus.CONFLICT.value(),
                e.getMessage(), e.source(), e.instance(), e.leader()));
    }

    /** A version whose data files VACUUM removed: 410 Gone. */
    @ExceptionHandler(VersionGoneException.class)
    @ApiResponse(responseCode = "410", description = "the version's data files were removed by VACUUM",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public ResponseEntity<ApiError> gone(VersionGoneException e) {
        return error(HttpStatus.GONE, e.getMessage());
    }

    private static ResponseEntity<ApiError> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(new ApiError(status.value(), String.valueOf(message)));
    }
}
