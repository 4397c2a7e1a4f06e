package io.myelin.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Predicate;

/** Small seeded CSV files for the command-line tests. */
final class DataFiles {
    private DataFiles() {
    }

    /** One row of the three-class problem: features a, b (numbers) and color (a name), label bird/cat/dog. */
    record Animal(double a, double b, String color, String label) {
        String csv(boolean withLabel) {
            return String.format(Locale.ROOT, "%.4f,", a) + (withLabel ? label + "," : "")
                    + String.format(Locale.ROOT, "%.4f,%s", b, color);
        }
    }

    /** {@code n} seeded rows; the label is decided by a and b (learnable), color is noise. */
    static List<Animal> animals(int n, long seed) {
        Random r = new Random(seed);
        String[] colors = {"red", "blue", "green"};
        List<Animal> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian();
            String label = a + b > 0.3 ? "cat" : a - b > 0 ? "dog" : "bird";
            out.add(new Animal(a, b, colors[r.nextInt(3)], label));
        }
        return out;
    }

    /** Writes {@code a,label,b,color} (the label in the middle), or {@code a,b,color} without the label. */
    static Path write(Path file, List<Animal> rows, boolean withLabel, Predicate<Animal> keep) throws IOException {
        StringBuilder sb = new StringBuilder(withLabel ? "a,label,b,color\n" : "a,b,color\n");
        for (Animal row : rows) {
            if (keep.test(row)) {
                sb.append(row.csv(withLabel)).append('\n');
            }
        }
        return Files.writeString(file, sb.toString());
    }

    static Path write(Path file, List<Animal> rows) throws IOException {
        return write(file, rows, true, x -> true);
    }
}
