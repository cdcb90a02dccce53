package io.lakehub.lakesql;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The output of a query: a JSON document, RFC 4180 CSV with a header, or one Parquet file. */
public enum SqlFormat {
    /** {@code application/json}: {@link SqlResult}, streamed. */
    @JsonProperty("json") JSON,
    /** {@code text/csv}: a header line, then one line per row (UTF-8, CRLF, null as an empty field). */
    @JsonProperty("csv") CSV,
    /** {@code application/vnd.apache.parquet}: one Parquet file (Snappy), written by the engine. */
    @JsonProperty("parquet") PARQUET
}
