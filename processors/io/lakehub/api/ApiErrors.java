package io.lakehub.api;

import java.util.ConcurrentModificationException;
import java.util.Map;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.lakehub.cluster.NotLeaderException;
import io.lakehub.delta.VersionGoneException;
import io.lakehub.replication.ReplicationService;
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
 * Maps failures of the admin API to JSON errors {@code {"error": "...", "status": n}}: an unknown
 * table, version, tag or source is 404, a bad parameter or body 400, a state conflict (an existing tag,
 * a commit race lost too often) 409, a version whose data files VACUUM removed 410 Gone (RFC 9110
 * section 15.5.11: the resource existed and will not come back).
 */
@RestControllerAdvice(basePackages = "io.lakehub.api")
public class ApiErrors {

    @ExceptionHandler(NoSuchElementException.class)
    public ResponseEntity<Map<String, Object>> notFound(NoSuchElementException e) {
        return error(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler({IllegalArgumentException.class, MethodArgumentTypeMismatchException.class,
            MissingServletRequestParameterException.class})
    public ResponseEntity<Map<String, Object>> badRequest(Exception e) {
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
    public ResponseEntity<Map<String, Object>> unreadableBody(HttpMessageNotReadableException e, HandlerMethod handler) {
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

    @ExceptionHandler({IllegalStateException.class, ConcurrentModificationException.class})
    public ResponseEntity<Map<String, Object>> conflict(RuntimeException e) {
        return error(HttpStatus.CONFLICT, e.getMessage());
    }

    /**
     * A table whose log cannot be read: 422 when it uses a Delta feature the hub does not read (the table is
     * fine, the request cannot be served), 500 when its log is broken; the message names the feature or the
     * broken file.
     */
    @ExceptionHandler(io.lakehub.delta.UnreadableTableException.class)
    public ResponseEntity<Map<String, Object>> unreadable(io.lakehub.delta.UnreadableTableException e) {
        return error(e.reason() == io.lakehub.delta.UnreadableTableException.Reason.UNSUPPORTED_FEATURE
                ? HttpStatus.UNPROCESSABLE_ENTITY : HttpStatus.INTERNAL_SERVER_ERROR, e.getMessage());
    }

    /**
     * "Run now" on a follower: 409 with {@code source}, {@code instance} (this follower) and {@code leader} (the
     * leading instance's id, or null when the lock does not record it).
     */
    @ExceptionHandler(NotLeaderException.class)
    public ResponseEntity<Map<String, Object>> notLeader(NotLeaderException e) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("status", HttpStatus.CONFLICT.value());
        body.put("error", e.getMessage());
        body.put("source", e.source());
        body.put("instance", e.instance());
        body.put("leader", e.leader());
        return ResponseEntity.status(HttpStatus.CONFLICT).body(body);
    }

    @ExceptionHandler(VersionGoneException.class)
    public ResponseEntity<Map<String, Object>> gone(VersionGoneException e) {
        return error(HttpStatus.GONE, e.getMessage());
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(Map.of("status", status.value(), "error", String.valueOf(message)));
    }
}
