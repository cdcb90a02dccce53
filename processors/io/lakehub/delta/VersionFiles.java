package io.lakehub.delta;

import java.util.List;
import java.util.Map;

/**
 * What a reader outside the Delta package needs to read one table version in place: its schema, its
 * partition columns and the data files with their partition values, in lakehub's own types (no Delta
 * library class). Built by {@link TableVersions#files}; the SQL engine ({@code io.lakehub.lakesql})
 * reads these files and nothing else.
 *
 * @param table            the table name
 * @param version          the version these files make up
 * @param columns          the table schema at that version, in order
 * @param partitionColumns the partition columns (names as in {@code columns}); empty when not partitioned
 * @param files            every data file of the version (the {@code add} actions of its snapshot)
 */
public record VersionFiles(String table, long version, List<Column> columns, List<String> partitionColumns,
                           List<DataFile> files) {

    /**
     * One column.
     *
     * @param name     the column name
     * @param type     the Delta type (PROTOCOL.md "Schema Serialization Format"): a primitive name
     *                 ({@code string long integer short byte float double boolean binary date timestamp
     *                 timestamp_ntz decimal(p,s)}), or {@code array<T>}, {@code map<K,V>}, {@code struct<n:T,...>}
     * @param nullable whether the column may hold nulls
     */
    public record Column(String name, String type, boolean nullable) {
    }

    /**
     * One data file.
     *
     * @param uri             the file's absolute URI ({@code file:/srv/lake/silver/loans/part-….parquet}, or the
     *                        lake's own scheme such as {@code abfss://…})
     * @param partitionValues partition column to its value in Delta's text form ("Partition Value
     *                        Serialization"), null for a null value; empty when not partitioned
     * @param size            the file size in bytes
     * @param rows            the rows in the file from its statistics, or -1 when unknown
     */
    public record DataFile(String uri, Map<String, String> partitionValues, long size, long rows) {
    }
}
