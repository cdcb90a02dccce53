package io.lakehub.config;

import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import io.lakehub.delta.LakeStorage;
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
     */
    @Bean
    public DataSources dataSources(DataSource defaultDataSource, LakehubProperties props) {
        Map<String, DataSource> byName = new LinkedHashMap<>();
        byName.put("default", defaultDataSource);
        props.getDatasources().forEach((name, ds) -> byName.put(name, DataSourceBuilder.create()
                .url(ds.getUrl()).username(ds.getUsername()).password(ds.getPassword()).build()));
        return new DataSources(byName);
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
