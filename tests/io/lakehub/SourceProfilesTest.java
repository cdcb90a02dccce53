package io.lakehub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.lakehub.testsupport.Databases;
import io.lakehub.testsupport.TestUsers;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The shipped profiles {@code postgres} and {@code mariadb} (config/application-*.yaml) run the hub
 * against the real servers on this machine: the demo source is created and seeded there and its 2015
 * loans land as version 0 of the silver table.
 */
class SourceProfilesTest {

    static final String PG_TABLE = Databases.uniqueName("lh_profile_pg");
    static final String MARIADB_TABLE = Databases.uniqueName("lh_profile_maria");

    @TempDir
    static Path dir;

    static void table(DynamicPropertyRegistry registry, String table) {
        registry.add("lakehub.lake.root", () -> dir.resolve(table).toString());
        registry.add("lakehub.sample.lendingclub.table", () -> table);
        registry.add("lakehub.sql.initial-delay", () -> "0s");
        registry.add("lakehub.sql.tables[0].name", () -> "loans");
        registry.add("lakehub.sql.tables[0].table", () -> table);
        registry.add("lakehub.sql.tables[0].keys[0]", () -> "id");
        registry.add("lakehub.sql.tables[0].watermark-column", () -> "updated_at");
        registry.add("lakehub.sql.tables[0].schedule", () -> "500ms");
        registry.add("lakehub.sql.tables[0].lag", () -> "1s");
    }

    /**
     * The seeded 2015 loans all reach silver. MariaDB stamps each JDBC batch of the seed with its own
     * CURRENT_TIMESTAMP(6), so a poll that falls between them lands the seed in two versions; the rows
     * must all arrive once either way.
     */
    @SuppressWarnings("unchecked")
    static void assertVersionZeroHoldsThe2015Loans(TestRestTemplate http) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            List<Map<String, Object>> tables = http.getForObject("/api/tables", List.class);
            return !tables.isEmpty() && ((Number) tables.get(0).get("rows")).intValue() == 696;
        });
        List<Map<String, Object>> tables = http.getForObject("/api/tables", List.class);
        assertThat(tables.get(0)).containsEntry("name", "loans").containsEntry("rows", 696);
        List<Map<String, Object>> history = http.getForObject("/api/tables/loans/history", List.class);
        assertThat(history).last().satisfies(h -> assertThat(h).containsEntry("version", 0).containsEntry("operation", "WRITE"));
        Map<String, Object> all = http.getForObject("/api/tables/loans/rows?limit=10000", Map.class);
        assertThat((List<Map<String, Object>>) all.get("rows")).extracting(r -> ((Number) r.get("id")).longValue())
                .doesNotHaveDuplicates().hasSize(696);
    }

    @AfterAll
    static void dropTables() {
        Databases.dropTable(Databases.postgres(), PG_TABLE);
        Databases.dropTable(Databases.mariadb(), MARIADB_TABLE);
    }

    @Nested
    @CamelSpringBootTest
    @SpringBootTest(classes = LakehubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @ActiveProfiles("postgres")
    class Postgres {
        @DynamicPropertySource
        static void properties(DynamicPropertyRegistry registry) {
            DataSource reachable = Databases.postgres(); // skips (or fails under CI=true) when the server is down
            assertThat(reachable).isNotNull();
            table(registry, PG_TABLE);
        }

        @Autowired
        TestRestTemplate anonymous;

        TestRestTemplate http;

        @BeforeEach
        void authenticate() {
            http = TestUsers.operator(anonymous);
        }

        @Test
        void loadsFromPostgres() {
            assertVersionZeroHoldsThe2015Loans(http);
        }
    }

    @Nested
    @CamelSpringBootTest
    @SpringBootTest(classes = LakehubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @ActiveProfiles("mariadb")
    class MariaDb {
        @DynamicPropertySource
        static void properties(DynamicPropertyRegistry registry) {
            DataSource reachable = Databases.mariadb();
            assertThat(reachable).isNotNull();
            table(registry, MARIADB_TABLE);
        }

        @Autowired
        TestRestTemplate anonymous;

        TestRestTemplate http;

        @BeforeEach
        void authenticate() {
            http = TestUsers.operator(anonymous);
        }

        @Test
        void loadsFromMariaDb() {
            assertVersionZeroHoldsThe2015Loans(http);
        }
    }
}
