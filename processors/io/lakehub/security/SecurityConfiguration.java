package io.lakehub.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.lakehub.security.SecurityProperties.Credential;
import io.lakehub.security.SecurityProperties.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Authentication and the two roles for the admin API, the actuator and the Hawtio console (issue 7).
 *
 * <ul>
 *   <li><b>API chain</b> ({@code /api/**}, {@code /v3/api-docs/**}, {@code /actuator/**} but the console):
 *       stateless, HTTP basic (RFC 7617) or a bearer token (RFC 6750); GET needs {@code viewer}, any other
 *       method {@code operator}, but {@code POST /api/sql} (a read-only query) needs {@code viewer}; {@code /actuator/health/**} and {@code /actuator/info} stay open for
 *       container probes (details only when authorized). No session, so no CSRF token is needed.</li>
 *   <li><b>Console chain</b> (Hawtio at {@code /actuator/hawtio}, Jolokia, the login page): a form login
 *       with a session and a CSRF cookie readable by the console's JavaScript, the setup Hawtio documents
 *       for Spring Security (hawtio/hawtio examples/springboot-security); {@code operator} only, since
 *       the console can stop routes through JMX.</li>
 * </ul>
 *
 * <p>Users and tokens come from {@code lakehub.security.users/tokens}; when neither is configured the
 * hub generates an operator {@code admin} with a random password, stores it in
 * {@code lakehub.security.generated-password-file} (owner read/write only) and logs where it is, never
 * the password. {@code lakehub.security.enabled=false} (the {@code dev} profile) opens everything.
 */
@Configuration
@EnableWebSecurity
public class SecurityConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityConfiguration.class);

    /** The user name of the generated operator. */
    public static final String GENERATED_USER = "admin";

    /** Paths of the console chain. */
    static final String[] CONSOLE_PATHS = {"/actuator/hawtio/**", "/actuator/jolokia/**", "/login", "/logout",
        "/default-ui.css", "/favicon.ico"};

    /** The Spring Security authorities of a role (an operator is also a viewer). */
    static List<GrantedAuthority> authorities(Role role) {
        List<GrantedAuthority> out = new ArrayList<>();
        out.add(new SimpleGrantedAuthority("ROLE_VIEWER"));
        if (role == Role.OPERATOR) {
            out.add(new SimpleGrantedAuthority("ROLE_OPERATOR"));
        }
        return out;
    }

    /** bcrypt for configured passwords (Spring Security's delegating encoder; a stored {@code {bcrypt}...} value is used as is). */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /**
     * The configured basic users, or the generated operator when no user and no token is configured.
     *
     * @throws IllegalArgumentException if a configured user has no secret (an unset environment variable)
     */
    @Bean
    UserDetailsService userDetailsService(SecurityProperties props, PasswordEncoder encoder) throws IOException {
        List<UserDetails> users = new ArrayList<>();
        for (Map.Entry<String, Credential> e : props.getUsers().entrySet()) {
            String secret = e.getValue().getSecret();
            if (secret == null || secret.isBlank()) {
                throw new IllegalArgumentException("lakehub.security.users." + e.getKey()
                        + ".secret is empty: set it from an environment variable");
            }
            String stored = secret.startsWith("{bcrypt}") ? secret : encoder.encode(secret);
            users.add(User.withUsername(e.getKey()).password(stored).authorities(authorities(e.getValue().getRole())).build());
        }
        if (props.isEnabled() && users.isEmpty() && props.getTokens().isEmpty()) {
            String password = generatedPassword(props.getGeneratedPasswordFile());
            users.add(User.withUsername(GENERATED_USER).password(encoder.encode(password))
                    .authorities(authorities(Role.OPERATOR)).build());
            LOG.warn("security: no users configured; operator '{}' has a generated password, stored in {} (set "
                    + "lakehub.security.users to choose your own)", GENERATED_USER, props.getGeneratedPasswordFile().toAbsolutePath());
        }
        return new InMemoryUserDetailsManager(users);
    }

    /** Reads the generated password back, or creates it: 24 random bytes, Base64url, file mode 600. */
    static String generatedPassword(Path file) throws IOException {
        if (Files.exists(file)) {
            String existing = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!existing.isEmpty()) {
                return existing;
            }
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".admin-password", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            LOG.debug("security: {} is not on a POSIX file system; its permissions are the directory's", file);
        }
        Files.writeString(tmp, password + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file);
        } catch (FileAlreadyExistsException raced) {
            Files.deleteIfExists(tmp);
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        return password;
    }

    /** The Hawtio console, Jolokia and the login form (see the class comment). */
    @Bean
    @Order(1)
    SecurityFilterChain consoleChain(HttpSecurity http, SecurityProperties props) throws Exception {
        // plain path patterns: Hawtio's and Jolokia's servlets are not Spring MVC handlers, so the default
        // MVC matcher would let some of their paths fall through to the stateless API chain
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        http.securityMatcher(new OrRequestMatcher(java.util.Arrays.stream(CONSOLE_PATHS)
                .map(p -> (RequestMatcher) paths.matcher(p)).toList()));
        if (!props.isEnabled()) {
            return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).csrf(c -> c.disable()).build();
        }
        CsrfTokenRequestAttributeHandler csrfHandler = new CsrfTokenRequestAttributeHandler();
        return http
                .authorizeHttpRequests(a -> a
                        // the login form and its stylesheet; a 401 with a Basic challenge on the stylesheet
                        // would make a browser pop up a password dialog over the form
                        .requestMatchers(paths.matcher("/login"), paths.matcher("/logout"), paths.matcher("/default-ui.css"),
                                paths.matcher("/favicon.ico")).permitAll()
                        .anyRequest().hasRole("OPERATOR"))
                .formLogin(f -> f.defaultSuccessUrl("/actuator/hawtio/", false))
                .httpBasic(Customizer.withDefaults())
                .csrf(c -> c.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(csrfHandler))
                .addFilterAfter(new CsrfCookieFilter(), BasicAuthenticationFilter.class)
                .build();
    }

    /**
     * Loads the deferred CSRF token on every console request so that {@link CookieCsrfTokenRepository}
     * writes the {@code XSRF-TOKEN} cookie the console's JavaScript echoes in {@code X-XSRF-TOKEN}
     * (Spring Security reference, "CSRF: Single-Page Applications").
     */
    static final class CsrfCookieFilter extends org.springframework.web.filter.OncePerRequestFilter {
        @Override
        protected void doFilterInternal(jakarta.servlet.http.HttpServletRequest request,
                                        jakarta.servlet.http.HttpServletResponse response,
                                        jakarta.servlet.FilterChain chain)
                throws jakarta.servlet.ServletException, IOException {
            Object token = request.getAttribute(org.springframework.security.web.csrf.CsrfToken.class.getName());
            if (token instanceof org.springframework.security.web.csrf.CsrfToken t) {
                t.getToken();
            }
            chain.doFilter(request, response);
        }
    }

    /** The admin API and the actuator (see the class comment). */
    @Bean
    @Order(2)
    SecurityFilterChain apiChain(HttpSecurity http, SecurityProperties props, PasswordEncoder encoder) throws Exception {
        http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(c -> c.disable())
                .addFilterBefore(new CamelHeaderFilter(), BasicAuthenticationFilter.class);
        if (!props.isEnabled()) {
            return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).build();
        }
        return http
                .addFilterBefore(new BearerTokenFilter(props.getTokens()), BasicAuthenticationFilter.class)
                .httpBasic(b -> b.authenticationEntryPoint(JsonErrors::unauthorized))
                .exceptionHandling(e -> e.authenticationEntryPoint(JsonErrors::unauthorized)
                        .accessDeniedHandler(JsonErrors::forbidden))
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers("/error").permitAll()
                        .requestMatchers(HttpMethod.GET, "/**").hasRole("VIEWER")
                        .requestMatchers(HttpMethod.HEAD, "/**").hasRole("VIEWER")
                        // a read-only query (io.lakehub.lakesql): POST only because the statement is a body
                        .requestMatchers(HttpMethod.POST, "/api/sql").hasRole("VIEWER")
                        .anyRequest().hasRole("OPERATOR"))
                .build();
    }
}
