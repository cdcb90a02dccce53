package io.lakehub.sample;

import java.sql.SQLException;

import io.lakehub.config.LakeConfiguration.DataSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Creates and seeds the LendingClub demo source table on start when
 * {@code lakehub.sample.lendingclub.enabled} is true and the table is empty (the embedded default),
 * and injects further issue years on request ({@code --inject-sample=<year>} or the admin API). A year the sample
 * does not hold is refused with {@link UnknownSampleYearException}; with {@code --inject-sample} that stops the
 * start (exit code 1) with a report naming the years that exist.
 */
@Component
public class SampleBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(SampleBootstrap.class);

    private final SampleProperties.LendingClub config;
    private final DataSources dataSources;

    /**
     * Seeds at construction, so the seed is in place before any poll route starts.
     *
     * @throws SQLException if the source database cannot be reached or written
     */
    public SampleBootstrap(SampleProperties props, DataSources dataSources,
                           org.springframework.boot.ApplicationArguments args) throws SQLException {
        this.config = props.getLendingclub();
        this.dataSources = dataSources;
        if (config.isEnabled()) {
            int seeded = LoanSourceTable.seedIfEmpty(dataSources.get(config.getDatasource()), config.getTable(),
                    config.getSeedYears());
            if (seeded > 0) {
                LOG.info("sample: created source table {} with {} LendingClub loans of issue years {}", config.getTable(),
                        seeded, config.getSeedYears());
            }
            if (args.containsOption("inject-sample")) {
                for (String year : args.getOptionValues("inject-sample")) {
                    int issueYear;
                    try {
                        issueYear = Integer.parseInt(year.trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--inject-sample wants an issue year such as 2016, got '" + year + "'");
                    }
                    inject(issueYear);
                }
            }
        }
    }

    /**
     * Adds the sample loans of one issue year that are not yet in the source table, stamped with the
     * database clock so the next poll picks them up.
     *
     * @return rows inserted (0 when that year is already there)
     * @throws UnknownSampleYearException if the sample has no loans of that issue year (it names the years it has)
     * @throws IllegalStateException if the sample source is disabled
     * @throws SQLException          on a database failure
     */
    public int inject(int issueYear) throws SQLException {
        if (!config.isEnabled()) {
            throw new IllegalStateException("the LendingClub sample source is disabled (lakehub.sample.lendingclub.enabled)");
        }
        java.util.List<Integer> years = java.util.List.copyOf(LendingClubSample.countByIssueYear(LendingClubSample.load()).keySet());
        if (!years.contains(issueYear)) {
            throw new UnknownSampleYearException(issueYear, years);
        }
        int n = LoanSourceTable.inject(dataSources.get(config.getDatasource()), config.getTable(), issueYear);
        LOG.info("sample: injected {} LendingClub loans of issue year {} into {}", n, issueYear, config.getTable());
        return n;
    }
}
