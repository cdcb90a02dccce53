package io.lakehub.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import io.lakehub.delta.DataFile;
import io.lakehub.delta.ColumnType;
import io.lakehub.delta.Column;
import io.lakehub.delta.TableSchema;
import io.lakehub.delta.DeltaTable;
import io.lakehub.delta.LakeStorage;
import io.lakehub.delta.ParquetRowWriter;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Lands the shipped Connecticut Insurance Department complaints sample
 * ({@value #RESOURCE}, 1,902 real rows, see {@code PROVENANCE.md} beside it) as the silver table
 * {@code insurance_complaints}, the example dataset of the replication flow ("replicate per company").
 *
 * <p>Runs in the background just after start when {@code lakehub.sample.insurance-complaints.enabled}
 * is true (the embedded default). Idempotent: the commit carries the {@code txn} {@value #APP_ID} version 0, and a table that
 * already has it is left alone, so a restart never lands the rows twice. Schema: company, coverage,
 * subcoverage, reason, subreason, disposition, conclusion, status strings; file_no long; opened and
 * closed dates; recovery decimal(14,2) in USD. An empty CSV field is a null (the dataset's convention).
 */
@Component
public class InsuranceComplaintsSample {

    private static final Logger LOG = LoggerFactory.getLogger(InsuranceComplaintsSample.class);

    /** Classpath resource of the sample. */
    public static final String RESOURCE = "sample/ct_insurance_complaints/ct_insurance_complaints_sample.csv";
    /** The {@code txn} application id of the seed commit. */
    public static final String APP_ID = "lakehub-sample-insurance-complaints";
    /** Silver table name. */
    public static final String TABLE = "insurance_complaints";

    /** The silver schema, in the CSV's column order. */
    public static final TableSchema SCHEMA = TableSchema.of(
        new Column("company", ColumnType.STRING, true),
        new Column("file_no", ColumnType.LONG, true),
        new Column("opened", ColumnType.DATE, true),
        new Column("closed", ColumnType.DATE, true),
        new Column("coverage", ColumnType.STRING, true),
        new Column("subcoverage", ColumnType.STRING, true),
        new Column("reason", ColumnType.STRING, true),
        new Column("subreason", ColumnType.STRING, true),
        new Column("disposition", ColumnType.STRING, true),
        new Column("conclusion", ColumnType.STRING, true),
        new Column("recovery", ColumnType.decimal(14, 2), true),
        new Column("status", ColumnType.STRING, true));

    private final LakeStorage lake;
    private final boolean enabled;
    private final CountDownLatch done = new CountDownLatch(1);

    /**
     * @param props its switch, {@code lakehub.sample.insurance-complaints.enabled}
     */
    public InsuranceComplaintsSample(LakeStorage lake, SampleProperties props) {
        this.lake = lake;
        this.enabled = props.getInsuranceComplaints().isEnabled();
    }

    /**
     * Seeds in the background once the hub has started, when enabled: the first Delta access loads
     * Hadoop and delta-standalone (a second or more), which the hub's start need not wait for. A
     * failure is logged; the next start tries again.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void seedInBackground() {
        if (!enabled) {
            done.countDown();
            return;
        }
        Thread t = new Thread(() -> {
            try {
                long rows = seed(lake);
                if (rows > 0) {
                    LOG.info("sample: landed {} Connecticut insurance complaints as silver/{}", rows, TABLE);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("sample: the insurance complaints sample could not be landed as silver/{}: {}", TABLE, e.getMessage());
            } finally {
                done.countDown();
            }
        }, "sample-insurance-complaints");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Waits until the background seed has ended (landed, found in place, or failed).
     *
     * @return false if it had not ended within the timeout
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitSeeded(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Lands the sample unless the table already holds it.
     *
     * @return rows landed, 0 if they were there already
     * @throws IOException if the sample cannot be read or the table written
     * @throws io.lakehub.delta.SchemaMismatchException if the table exists with other columns; the file written for it is removed again
     */
    public static long seed(LakeStorage lake) throws IOException {
        DeltaTable table = new DeltaTable(lake, TABLE);
        if (table.exists() && table.txnVersion(APP_ID) >= 0) {
            return 0;
        }
        ParquetRowWriter writer = new ParquetRowWriter(table.path(), lake.conf(), SCHEMA);
        DataFile file;
        try (InputStream in = InsuranceComplaintsSample.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("the sample " + RESOURCE + " is not on the classpath");
            }
            Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
            CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader);
            for (CSVRecord r : parser) {
                writer.write(new Object[] {
                    text(r, "company"), r.get("file_no").isEmpty() ? null : Long.valueOf(r.get("file_no")),
                    date(r, "opened"), date(r, "closed"), text(r, "coverage"), text(r, "subcoverage"),
                    text(r, "reason"), text(r, "subreason"), text(r, "disposition"), text(r, "conclusion"),
                    r.get("recovery").isEmpty() ? null : new BigDecimal(r.get("recovery")).setScale(2),
                    text(r, "status"),
                });
            }
            file = writer.finish();
        } catch (IOException | RuntimeException e) {
            writer.delete();
            throw e;
        }
        long rows = writer.rows();
        try {
            table.commitAppend(List.of(file), rows, SCHEMA, Map.of(APP_ID, 0L),
                    "{\"source\":\"" + RESOURCE + "\",\"dataset\":\"data.ct.gov t64r-mt64\",\"rows\":" + rows + "}");
        } catch (RuntimeException e) {
            // the commit did not happen (another schema, another writer seeded it first): the file is an orphan
            table.deleteUnreferenced(List.of(file));
            throw e;
        }
        return rows;
    }

    private static String text(CSVRecord r, String column) {
        String v = r.get(column);
        return v.isEmpty() ? null : v;
    }

    private static LocalDate date(CSVRecord r, String column) {
        String v = r.get(column);
        return v.isEmpty() ? null : LocalDate.parse(v);
    }
}
