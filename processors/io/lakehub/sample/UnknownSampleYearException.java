package io.lakehub.sample;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A request to inject sample loans of an issue year the bundled sample does not hold ({@code --inject-sample=2017},
 * {@code POST /api/samples/lendingclub/inject?year=2017}). An {@link IllegalArgumentException}, so the admin API
 * answers 400 with its message; at start-up {@link UnknownSampleYearFailureAnalyzer} reports it as the reason the
 * application did not start (exit code 1).
 */
public class UnknownSampleYearException extends IllegalArgumentException {

    private final int year;
    private final List<Integer> years;

    /**
     * @param year  the year asked for
     * @param years the issue years the sample holds, ascending
     */
    public UnknownSampleYearException(int year, List<Integer> years) {
        super("the LendingClub sample has no loans issued in " + year + "; its issue years are "
                + years.stream().map(String::valueOf).collect(Collectors.joining(", ")));
        this.year = year;
        this.years = List.copyOf(years);
    }

    /** The year asked for. */
    public int year() {
        return year;
    }

    /** The issue years the sample holds, ascending. */
    public List<Integer> years() {
        return years;
    }
}
