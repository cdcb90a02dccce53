package io.lakehub.security;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;

/**
 * The admin API's 401 and 403 answers, in the API's error shape {@code {"status": n, "error": "..."}}.
 * A 401 carries {@code WWW-Authenticate: Basic realm="lakehub"} (RFC 7617 section 2) and names no user,
 * so a probe learns nothing about which names exist.
 */
final class JsonErrors {

    private JsonErrors() {
    }

    /** Missing or wrong credentials. */
    static void unauthorized(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        response.setHeader("WWW-Authenticate", "Basic realm=\"lakehub\"");
        write(response, HttpServletResponse.SC_UNAUTHORIZED,
                "authentication required: HTTP basic or a bearer token (see lakehub.security in application.yaml)");
    }

    /** Authenticated, but the role does not allow it. */
    static void forbidden(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        write(response, HttpServletResponse.SC_FORBIDDEN,
                "forbidden: " + request.getMethod() + " " + request.getRequestURI() + " needs the "
                        + ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()) ? "viewer" : "operator")
                        + " role");
    }

    private static void write(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getWriter().write("{\"status\":" + status + ",\"error\":\"" + message.replace("\"", "'") + "\"}");
    }
}
