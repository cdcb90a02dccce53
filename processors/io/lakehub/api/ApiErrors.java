package io.lakehub.api;

import java.util.ConcurrentModificationException;
import java.util.Map;
import java.util.NoSuchElementException;

import io.lakehub.delta.VersionGoneException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
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

    @ExceptionHandler(HttpMessageNotReadableException.class)
    public ResponseEntity<Map<String, Object>> unreadableBody(HttpMessageNotReadableException e) {
        return error(HttpStatus.BAD_REQUEST, "the request body must be a JSON object such as {\"tag\":\"v2015\",\"version\":3}");
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

    @ExceptionHandler(VersionGoneException.class)
    public ResponseEntity<Map<String, Object>> gone(VersionGoneException e) {
        return error(HttpStatus.GONE, e.getMessage());
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).body(Map.of("status", status.value(), "error", String.valueOf(message)));
    }
}
