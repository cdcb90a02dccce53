package io.lakehub.api;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Sample loans added to the demo source ({@code POST /api/samples/lendingclub/inject}).
 *
 * @param year     the issue year
 * @param inserted rows inserted into the source table
 */
@Schema(description = "Sample loans added to the demo source table")
public record SampleInjected(int year, int inserted) {
}
