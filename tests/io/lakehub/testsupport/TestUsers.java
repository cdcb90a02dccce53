package io.lakehub.testsupport;

import org.springframework.boot.test.web.client.TestRestTemplate;

/**
 * The users of tests/resources/config/application.yaml, which every Spring test loads: an operator and
 * a viewer with known test secrets (hashed there with bcrypt, cost 4).
 */
public final class TestUsers {

    /** Operator: reads and changes. */
    public static final String OPERATOR = "test-operator";
    /** The operator's password. */
    public static final String OPERATOR_SECRET = "test-operator-secret";
    /** Viewer: reads only. */
    public static final String VIEWER = "test-viewer";
    /** The viewer's password. */
    public static final String VIEWER_SECRET = "test-viewer-secret";

    private TestUsers() {
    }

    /** {@code http} authenticated as the test operator. */
    public static TestRestTemplate operator(TestRestTemplate http) {
        return http.withBasicAuth(OPERATOR, OPERATOR_SECRET);
    }

    /** {@code http} authenticated as the test viewer. */
    public static TestRestTemplate viewer(TestRestTemplate http) {
        return http.withBasicAuth(VIEWER, VIEWER_SECRET);
    }
}
