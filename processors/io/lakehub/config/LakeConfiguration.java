package io.lakehub.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.lakehub.delta.LakeStorage;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
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
     * <p>A flow that polls a data source may bound its pool's wait for a connection with a {@link ConnectionWaitBound}
     * bean (the sql-incremental flow: the shortest {@code schedule} of the sources on it): the pool's
     * {@code connectionTimeout}, HikariCP's default 30 s, is lowered to the smallest bound, never below HikariCP's
     * minimum of 250 ms, before the pool opens (a running HikariCP pool keeps the timeout it started with). When the
     * database is gone, each poll then fails after about one poll interval with the driver's reason instead of
     * blocking 30 s.
     */
    @Bean
    public DataSources dataSources(DataSource defaultDataSource, LakehubProperties props,
                                   ObjectProvider<ConnectionWaitBound> bounds) {
        return dataSources(defaultDataSource, props, bounds.orderedStream().toList());
    }

    /** {@link #dataSources(DataSource, LakehubProperties, ObjectProvider)} with the bounds given. */
    public DataSources dataSources(DataSource defaultDataSource, LakehubProperties props, List<ConnectionWaitBound> bounds) {
        Map<String, DataSource> byName = new LinkedHashMap<>();
        byName.put("default", defaultDataSource);
        props.getDatasources().forEach((name, ds) -> byName.put(name, DataSourceBuilder.create()
                .url(ds.getUrl()).username(ds.getUsername()).password(ds.getPassword()).build()));
        byName.forEach((name, ds) -> boundPoolWait(name, ds, bounds));
        return new DataSources(byName);
    }

    /** HikariCP's smallest accepted {@code connectionTimeout}. */
    static final Duration MIN_POOL_WAIT = Duration.ofMillis(250);

    private static void boundPoolWait(String name, DataSource ds, List<ConnectionWaitBound> bounds) {
        Duration bound = bounds.stream().map(b -> b.of(name)).flatMap(Optional::stream)
                .min(Duration::compareTo).orElse(null);
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

    /**
     * The longest a named data source's pool should wait for a connection, supplied by a flow that polls it; the
     * smallest bound of all such beans applies.
     */
    @FunctionalInterface
    public interface ConnectionWaitBound {
        /** The bound for data source {@code dataSourceName}, empty when this flow does not poll it. */
        Optional<Duration> of(String dataSourceName);
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
