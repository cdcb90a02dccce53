package io.lakehub.lakesql;

import io.lakehub.delta.LakeStorage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The SQL engine over the lake and its query runner, one of each per hub. */
@Configuration(proxyBeanMethods = false)
public class LakeSqlConfiguration {

    /** The engine; closed with the application context. */
    @Bean(destroyMethod = "close")
    public LakeSqlEngine lakeSqlEngine(LakeStorage lake, LakeSqlProperties props) {
        return new LakeSqlEngine(lake, props);
    }

    /** Materializes {@code lakehub.gold.tables}; run by route {@code gold-refresh} (routes/gold.camel.yaml). */
    @Bean
    public RefreshGoldTables refreshGoldTables(LakeSqlEngine engine, LakeStorage lake, GoldProperties props) {
        return new RefreshGoldTables(engine, lake, props);
    }

    /** Runs the queries of {@code POST /api/sql}. */
    @Bean(destroyMethod = "close")
    public SqlQueries sqlQueries(LakeSqlEngine engine) {
        return new SqlQueries(engine);
    }
}
