package io.lakehub.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lakehub.security.SecurityProperties.Credential;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <token>} (RFC 6750 section 2.1) against the configured
 * {@code lakehub.security.tokens}. Tokens are compared as SHA-256 digests with
 * {@link MessageDigest#isEqual}, in constant time whatever the length. A wrong token is answered 401 at
 * once; a request without a bearer header goes on to HTTP basic.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

    private record Known(String client, byte[] digest, Credential credential) {
    }

    private final List<Known> tokens = new ArrayList<>();

    /**
     * @throws IllegalArgumentException if a configured token is empty (an unset environment variable)
     */
    BearerTokenFilter(Map<String, Credential> configured) {
        for (Map.Entry<String, Credential> e : configured.entrySet()) {
            String secret = e.getValue().getSecret();
            if (secret == null || secret.isBlank()) {
                throw new IllegalArgumentException("lakehub.security.tokens." + e.getKey()
                        + ".secret is empty: set it from an environment variable");
            }
            tokens.add(new Known(e.getKey(), sha256(secret), e.getValue()));
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            chain.doFilter(request, response);
            return;
        }
        byte[] presented = sha256(header.substring(7).strip());
        Known match = null;
        for (Known k : tokens) {
            if (MessageDigest.isEqual(k.digest(), presented)) {
                match = k;
            }
        }
        if (match == null) {
            JsonErrors.unauthorized(request, response, null);
            return;
        }
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "token:" + match.client(), null, SecurityConfiguration.authorities(match.credential().getRole())));
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
