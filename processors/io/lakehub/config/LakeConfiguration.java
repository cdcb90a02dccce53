package io.lakehub.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.lakehub.delta.LakeStorage;
import io.lakehub.sql.SqlSourceTable;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans shared by every flow: the lake and the named JDBC data sources. */
@Configuration(proxyBeanMethods = false)
public class LakeConfiguration {

    /** The lake at {@code lakehub.lake.root}, its filesystem configured with {@code lakehub.lake.hadoop.*}. */
    @Bean
    public LakeStorage lakeStorage(LakehubProperties props) {
        return new LakeStorage(props.getLake().getRoot(), props.getLake().getHadoop());
    }

    /**
     * Data sources by name: {@code default} is Spring's {@code spring.datasource}, the others come
     * from {@code lakehub.datasources.<name>} (HikariCP pools).
     *
     * <p>A HikariCP pool that a sql-incremental source polls waits at most the shortest {@code schedule} of its
     * sources for a connection (its {@code connectionTimeout}, HikariCP's default 30 s, is lowered to that, never
     * below HikariCP's minimum of 250 ms): when the database is gone, each poll fails after about one poll interval
     * with the driver's reason instead of blocking 30 s.
     */
    @Bean
    public DataSources dataSources(DataSource defaultDataSource, LakehubProperties props) {
        Map<String, DataSource> byName = new LinkedHashMap<>();
        byName.put("default", defaultDataSource);
        props.getDatasources().forEach((name, ds) -> byName.put(name, DataSourceBuilder.create()
                .url(ds.getUrl()).username(ds.getUsername()).password(ds.getPassword()).build()));
        byName.forEach((name, ds) -> boundPoolWait(name, ds, props));
        return new DataSources(byName);
    }

    /** HikariCP's smallest accepted {@code connectionTimeout}. */
    static final Duration MIN_POOL_WAIT = Duration.ofMillis(250);

    private static void boundPoolWait(String name, DataSource ds, LakehubProperties props) {
        Duration bound = props.getSql().getTables().stream()
                .filter(t -> t.isEnabled() && name.equals(t.getDatasource()))
                .map(SqlSourceTable::getSchedule).min(Duration::compareTo).orElse(null);
        if (bound == null || !(ds instanceof HikariDataSource pool)) {
            return;
        }
        long wait = Math.max(MIN_POOL_WAIT.toMillis(), bound.toMillis());
        if (pool.getConnectionTimeout() > wait) {
            pool.setConnectionTimeout(wait);
            LoggerFactory.getLogger(LakeConfiguration.class).info(
                    "data source {}: waits at most {} ms for a connection (the shortest poll schedule of its sources)", name, wait);
        }
    }

    /** Named data sources. */
    public record DataSources(Map<String, DataSource> byName) {
        /**
         * @throws IllegalArgumentException if no data source has that name
         */
        public DataSource get(String name) {
            DataSource ds = byName.get(name);
            if (ds == null) {
                throw new IllegalArgumentException("no data source named '" + name + "'; configure lakehub.datasources."
                        + name + " or use 'default'");
            }
            return ds;
        }
    }
}
