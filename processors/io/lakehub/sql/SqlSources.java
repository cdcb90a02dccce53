package io.lakehub.sql;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

import io.lakehub.cluster.HubInstance;
import io.lakehub.config.LakeConfiguration.DataSources;
import io.lakehub.delta.LakeStorage;
import org.springframework.stereotype.Component;

/**
 * The configured sql-incremental sources ({@code lakehub.sql.tables[]}), each with its loader.
 * Configuration errors (bad identifiers, unknown data source, duplicate names) fail the start.
 */
@Component
public class SqlSources {

    private final Map<String, SqlIncrementalLoader> loaders = new LinkedHashMap<>();

    public SqlSources(SqlProperties props, DataSources dataSources, LakeStorage lake, HubInstance instance) {
        for (SqlSourceTable t : props.getTables()) {
            t.validate();
            if (loaders.containsKey(t.getName())) {
                throw new IllegalArgumentException("lakehub.sql.tables: two sources named " + t.getName());
            }
            loaders.put(t.getName(), new SqlIncrementalLoader(t, dataSources.get(t.getDatasource()), lake, instance.id()));
        }
    }

    /**
     * The loader of a source.
     *
     * @throws NoSuchElementException if no source has that name
     */
    public SqlIncrementalLoader loader(String name) {
        SqlIncrementalLoader loader = loaders.get(name);
        if (loader == null) {
            throw new NoSuchElementException("no sql-incremental source named " + name);
        }
        return loader;
    }

    /** All loaders, in configuration order. */
    public Collection<SqlIncrementalLoader> all() {
        return loaders.values();
    }
}
