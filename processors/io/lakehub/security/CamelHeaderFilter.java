package io.lakehub.security;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Hides inbound HTTP headers whose name starts with {@code Camel} (any case) from everything behind it,
 * so a caller cannot steer a route through Camel's control headers (file names, SQL, HTTP URIs), the
 * rule of Camel's security model (camel-kamelets docs, security-model.adoc) and of the
 * {@code HttpHeaderFilterStrategy} of Camel's own HTTP components.
 */
public final class CamelHeaderFilter extends OncePerRequestFilter {

    /** True for a header name that must not reach a route. */
    public static boolean isCamelHeader(String name) {
        return name != null && name.regionMatches(true, 0, "Camel", 0, 5);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public String getHeader(String name) {
                return isCamelHeader(name) ? null : super.getHeader(name);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return isCamelHeader(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
            }

            @Override
            public Enumeration<String> getHeaderNames() {
                List<String> names = Collections.list(super.getHeaderNames());
                names.removeIf(CamelHeaderFilter::isCamelHeader);
                return Collections.enumeration(names);
            }
        }, response);
    }
}
