package io.myelin.cli;

import io.myelin.data.CsvReader;
import io.myelin.data.Dataset;
import io.myelin.data.Digits;
import io.myelin.data.FashionMnist;
import io.myelin.data.IdxDirectory;
import io.myelin.data.Splits;

import java.nio.file.Files;
import java.nio.file.Path;

/** The un-normalized test part of a {@code --data} source (normalization comes from the saved model). */
final class RawData {
    private RawData() {
    }

    static Dataset test(String data, String labelColumn, long seed) {
        if (data.equals("digits")) {
            return Digits.trainTest(seed).test();
        }
        if (data.equals("fashion-mnist")) {
            return FashionMnist.load().test();
        }
        Path p = Path.of(data);
        if (Files.isDirectory(p)) {
            return IdxDirectory.load(p).test();
        }
        if (Files.isRegularFile(p)) {
            CsvReader r = new CsvReader();
            if (labelColumn != null) {
                r.labelColumn(labelColumn);
            }
            return Splits.trainTest(r.read(p), DataSources.CSV_TEST_FRACTION, seed).test();
        }
        throw new UserError("--data " + data + ": no such file or directory");
    }
}
