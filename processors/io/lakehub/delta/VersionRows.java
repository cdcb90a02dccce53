package io.lakehub.delta;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

import io.delta.kernel.Scan;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.FileReadResult;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.utils.CloseableIterator;

/**
 * The rows of a table version, read through Delta Kernel one data file at a time: Kernel reads the
 * file's physical columns, applies its deletion vector (a deleted row is skipped, protocol "Deletion
 * Vectors"), adds partition values and maps physical column names to logical ones (protocol "Column
 * Mapping"). Rows are {@code Object[]} in {@link #schema()} order, values in the classes listed at
 * {@link KernelSupport#value}. Memory is bounded by one batch of one file. Not thread-safe; close it
 * when done early.
 *
 * @throws UncheckedIOException from {@link #hasNext()} when a data file cannot be read (a missing file
 *                              has a {@link FileNotFoundException} among its causes)
 */
public class VersionRows implements Iterator<Object[]>, AutoCloseable {

    private final TableSnapshot snapshot;
    private final Iterator<TableSnapshot.ScanEntry> files;
    private final Row scanState;
    private final int width;
    private CloseableIterator<FilteredColumnarBatch> batches;
    private ColumnarBatch batch;
    private ColumnVector selection;
    private int position;
    private String current;
    private Object[] next;

    VersionRows(TableSnapshot snapshot, List<TableSnapshot.ScanEntry> files) {
        this.snapshot = snapshot;
        this.files = files.iterator();
        this.width = snapshot.schema().size();
        this.scanState = files.isEmpty() ? null : snapshot.scan().getScanState(snapshot.engine());
    }

    /** The schema the rows are in: the version's, logical names. */
    public TableSchema schema() {
        return snapshot.schema();
    }

    @Override
    public boolean hasNext() {
        try {
            while (next == null) {
                if (batch != null && position < batch.getSize()) {
                    int row = position++;
                    if (selection == null || (!selection.isNullAt(row) && selection.getBoolean(row))) {
                        Object[] values = new Object[width];
                        for (int c = 0; c < width; c++) {
                            values[c] = KernelSupport.value(batch.getColumnVector(c), row);
                        }
                        next = values;
                    }
                    continue;
                }
                batch = null;
                if (batches != null && batches.hasNext()) {
                    FilteredColumnarBatch b = batches.next();
                    batch = b.getData();
                    selection = b.getSelectionVector().orElse(null);
                    position = 0;
                    continue;
                }
                closeFile();
                if (!files.hasNext()) {
                    return false;
                }
                open(files.next());
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + current + " of " + snapshot.table() + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw e;
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof FileNotFoundException missing) {
                    throw new UncheckedIOException("cannot read " + current + " of " + snapshot.table() + ": "
                            + missing.getMessage(), missing);
                }
            }
            throw KernelSupport.translate(snapshot.table(), e);
        }
    }

    private void open(TableSnapshot.ScanEntry entry) throws IOException {
        current = entry.file().path();
        Row scanFile = entry.scanFile();
        var status = InternalScanFileUtils.getAddFileStatus(scanFile);
        var physical = ScanStateRow.getPhysicalDataReadSchema(scanState);
        CloseableIterator<ColumnarBatch> data = snapshot.engine().getParquetHandler()
                .readParquetFiles(Utils.singletonCloseableIterator(status), physical, Optional.empty())
                .map(FileReadResult::getData);
        batches = Scan.transformPhysicalData(snapshot.engine(), scanState, scanFile, data);
    }

    private void closeFile() throws IOException {
        if (batches != null) {
            CloseableIterator<FilteredColumnarBatch> b = batches;
            batches = null;
            b.close();
        }
    }

    @Override
    public Object[] next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Object[] row = next;
        next = null;
        return row;
    }

    @Override
    public void close() throws IOException {
        batch = null;
        closeFile();
    }
}
