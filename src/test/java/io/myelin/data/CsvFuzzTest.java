package io.myelin.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.myelin.config.MemoryLimitException;
import io.myelin.fuzz.UserErrors;

import java.io.ByteArrayInputStream;

/**
 * Fuzzes the CSV path a training run takes: read the table (gzipped or not), fit the schema (label column,
 * task, one-hot categories), encode the rows and fit the min-max normalizer. A result or a
 * {@link DataException} / {@link MemoryLimitException}, nothing else ({@link UserErrors}).
 */
class CsvFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void csvFile(byte[] input) {
        UserErrors.outcome(() -> {
            CsvTable t = CsvTable.read(new ByteArrayInputStream(input), "fuzz.csv", CsvTable.Format.DEFAULT);
            CsvSchema schema = CsvSchema.fit(t, null, null);
            Dataset d = schema.encode(t, null, true).dataset();
            UserErrors.withinCap(d.x().length * 4L, "the encoded rows");
            Normalizer.forName(null, d, false, schema.inputNames());
            return d;
        }, DataException.class, MemoryLimitException.class);
    }
}
