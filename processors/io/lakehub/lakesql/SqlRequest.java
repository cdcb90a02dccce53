package io.lakehub.lakesql;

/**
 * The body of {@code POST /api/sql}.
 *
 * @param sql     one SELECT (or WITH … SELECT) statement over the lake's tables and views (names: {@link LakeSqlEngine})
 * @param version pin every table named without {@code @} to this version (at most one of version, tag, asOf)
 * @param tag     pin them to the version this tag names
 * @param asOf    pin them to the latest version committed at or before this ISO-8601 instant
 * @param format  {@code json} (default), {@code csv} or {@code parquet}
 * @param limit   most rows to return; at most, and by default, {@code lakehub.sql.query.row-limit}
 */
public record SqlRequest(String sql, Long version, String tag, String asOf, SqlFormat format, Integer limit) {
}
