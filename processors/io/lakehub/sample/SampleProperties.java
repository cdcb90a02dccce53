package io.lakehub.sample;

import java.util.ArrayList;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code lakehub.sample.*}: the shipped demo data. Off unless configured; the embedded default
 * ({@code application.yaml}) turns both samples on.
 */
@Validated
@ConfigurationProperties(prefix = "lakehub.sample")
public class SampleProperties {

    /** The LendingClub demo source table of the sql-incremental flow. */
    @Valid
    private final LendingClub lendingclub = new LendingClub();
    /** The Connecticut insurance complaints sample, the example dataset of the replication flow. */
    @Valid
    private final InsuranceComplaints insuranceComplaints = new InsuranceComplaints();

    public LendingClub getLendingclub() {
        return lendingclub;
    }

    public InsuranceComplaints getInsuranceComplaints() {
        return insuranceComplaints;
    }

    /** Seeding of the demo loans table. */
    public static class LendingClub {
        /** Create and seed the demo source table on start when it is empty. */
        private boolean enabled = false;
        /** Data source of the demo table: "default" (spring.datasource) or a name under lakehub.datasources. */
        @NotBlank
        private String datasource = "default";
        /** Name of the demo source table. */
        @NotBlank
        private String table = "loans";
        /** Issue years the first start seeds ("v0 is the 2015 data"); inject more with --inject-sample=<year>. */
        @NotNull
        private List<Integer> seedYears = new ArrayList<>(List.of(2015));

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getDatasource() {
            return datasource;
        }

        public void setDatasource(String datasource) {
            this.datasource = datasource;
        }

        public String getTable() {
            return table;
        }

        public void setTable(String table) {
            this.table = table;
        }

        public List<Integer> getSeedYears() {
            return seedYears;
        }

        public void setSeedYears(List<Integer> seedYears) {
            this.seedYears = seedYears;
        }
    }

    /** Landing of the insurance complaints sample as silver/insurance_complaints. */
    public static class InsuranceComplaints {
        /**
         * Land the shipped sample (1,902 rows) as silver/insurance_complaints on first start (idempotent: a txn
         * marks it landed).
         */
        private boolean enabled = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}
