package io.lakehub.api;

import java.io.IOException;

import io.lakehub.lakesql.LakeSqlEngine;
import io.lakehub.lakesql.SqlFormat;
import io.lakehub.lakesql.SqlQueries;
import io.lakehub.lakesql.SqlRequest;
import io.lakehub.lakesql.SqlResult;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/sql}: a read-only query over the lake (viewer role). Body {@link SqlRequest}
 * ({@code {"sql": "select grade, count(*) from loans group by grade", "format": "json"}}); the answer is
 * streamed: {@link SqlResult} as JSON, CSV with a header, or one Parquet file. Table names, version pinning
 * and containment are {@link LakeSqlEngine}'s; a refused statement, an unknown table or version, an engine
 * error or the statement timeout before the first row answer 400 {@code {"status":400,"error":"<engine's message>"}}.
 * The versions read are also in the header {@code X-Lakehub-Versions} ({@code loans=1,gold.x=4}).
 */
@RestController
@RequestMapping("/api/sql")
public class SqlController {

    private final SqlQueries queries;

    public SqlController(SqlQueries queries) {
        this.queries = queries;
    }

    /** Runs one query; see the class comment. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Run a read-only SQL query over the lake's Delta tables",
            responses = {
                @ApiResponse(responseCode = "200", description = "the rows, streamed",
                        content = {@Content(mediaType = "application/json", schema = @Schema(implementation = SqlResult.class)),
                                   @Content(mediaType = "text/csv", schema = @Schema(type = "string", format = "binary")),
                                   @Content(mediaType = "application/vnd.apache.parquet",
                                           schema = @Schema(type = "string", format = "binary"))}),
                @ApiResponse(responseCode = "400", description = "refused statement, unknown table or version, engine error, timeout",
                        content = @Content(schema = @Schema(implementation = ApiError.class)))})
    public void query(@RequestBody SqlRequest request, HttpServletResponse response) throws IOException {
        // written on the request thread, not as an async StreamingResponseBody: an async dispatch would
        // need the caller's authentication again, which a bearer token is not stored for
        SqlQueries.Running running = queries.start(request);
        StringBuilder versions = new StringBuilder();
        running.versions().forEach((t, v) -> versions.append(versions.length() == 0 ? "" : ",").append(t).append('=').append(v));
        response.setHeader("X-Lakehub-Versions", versions.toString());
        if (running.format() == SqlFormat.PARQUET) {
            response.setContentType("application/vnd.apache.parquet");
            response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"query.parquet\"");
        } else if (running.format() == SqlFormat.CSV) {
            response.setContentType("text/csv;charset=UTF-8");
        } else {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        }
        running.writeTo(response.getOutputStream());
    }
}
