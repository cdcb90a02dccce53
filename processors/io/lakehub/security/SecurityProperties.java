package io.lakehub.security;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code lakehub.security.*} settings: who may call the admin API, the actuator and the Hawtio
 * console, each key documented with its default in {@code application.yaml}.
 *
 * <p>Two roles: {@code viewer} reads (every GET), {@code operator} also changes (POST, PUT, DELETE,
 * and the Hawtio console, which can stop routes through JMX). Credentials are HTTP basic users or
 * bearer tokens (RFC 6750 section 2.1); their values come from the environment
 * ({@code ${LAKEHUB_OPERATOR_PASSWORD}}) or a vault placeholder, never from a committed file.
 */
@ConfigurationProperties(prefix = "lakehub.security")
public class SecurityProperties {

    /** The two roles. */
    public enum Role {
        /** Reads: GET on the admin API, health details, metrics. */
        VIEWER,
        /** Reads and changes: runs, route control, watermarks, tags, maintenance, the console. */
        OPERATOR
    }

    /** Require authentication (false only in the explicit {@code dev} profile). */
    private boolean enabled = true;
    /** HTTP basic users by name. */
    private Map<String, Credential> users = new LinkedHashMap<>();
    /** Bearer tokens by client name ({@code Authorization: Bearer <token>}). */
    private Map<String, Credential> tokens = new LinkedHashMap<>();
    /**
     * Where the embedded default keeps the operator password it generates when no user and no token is
     * configured: read back on later starts, created with owner-only permissions.
     */
    private Path generatedPasswordFile = Path.of("data", "admin-password");

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Map<String, Credential> getUsers() {
        return users;
    }

    public void setUsers(Map<String, Credential> users) {
        this.users = users;
    }

    public Map<String, Credential> getTokens() {
        return tokens;
    }

    public void setTokens(Map<String, Credential> tokens) {
        this.tokens = tokens;
    }

    public Path getGeneratedPasswordFile() {
        return generatedPasswordFile;
    }

    public void setGeneratedPasswordFile(Path generatedPasswordFile) {
        this.generatedPasswordFile = generatedPasswordFile;
    }

    /** {@code lakehub.security.users.<name>} or {@code lakehub.security.tokens.<name>}. */
    public static class Credential {
        /** The password (users) or token (tokens); from the environment. Never logged. */
        private String secret;
        /** viewer or operator. */
        private Role role = Role.VIEWER;

        public String getSecret() {
            return secret;
        }

        public void setSecret(String secret) {
            this.secret = secret;
        }

        public Role getRole() {
            return role;
        }

        public void setRole(Role role) {
            this.role = role;
        }

        /** Never the secret. */
        @Override
        public String toString() {
            return "Credential[role=" + role + ", secret=****]";
        }
    }
}
