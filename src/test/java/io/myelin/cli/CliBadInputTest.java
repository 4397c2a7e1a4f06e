package io.myelin.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No user-facing command prints a stack trace: each bad input of the table (the robustness issue's list)
 * gives exit status 2, exactly one {@code error:} line that says what is wrong (checked by a fragment), no
 * Java exception or class name, no line over 1,000 characters, and no run directory.
 */
class CliBadInputTest {
    private static final String SPEC = "{\"input_shape\": [64], \"layers\": [{\"type\": \"dense\", \"units\": 16, "
            + "\"activation\": \"relu\"}, {\"type\": \"dense\", \"units\": 10, \"activation\": \"softmax\"}], "
            + "\"loss\": \"sparse_categorical_crossentropy\", \"optimizer\": {\"type\": \"adam\", \"lr\": 0.01}}";

    @TempDir
    static Path tmp;

    /** One bad input: a name, the arguments (given the temporary directory), a fragment the error line has. */
    record Case(String name, Function<Path, List<String>> args, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case spec(String name, String json, String expected) {
        return spec(name, json.getBytes(StandardCharsets.UTF_8), expected);
    }

    private static Case spec(String name, byte[] json, String expected) {
        return new Case(name, dir -> List.of("train", "--model", write(dir.resolve(name + ".json"), json).toString()),
                expected);
    }

    private static Case replaced(String name, String from, String to, String expected) {
        assertTrue(SPEC.contains(from), from);
        return spec(name, SPEC.replace(from, to), expected);
    }

    private static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] idxImages(int n, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols);
        b.putInt(0x803).putInt(n).putInt(rows).putInt(cols);
        return b.array();
    }

    private static byte[] idxLabels(int n) {
        ByteBuffer b = ByteBuffer.allocate(8 + n);
        b.putInt(0x801).putInt(n);
        return b.array();
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** An IDX directory; {@code trainImages} replaces the 28x28 training images file (name and bytes). */
    private static Case idx(String name, String trainImagesName, byte[] trainImages, byte[] testImages, String expected) {
        return new Case(name, dir -> {
            Path d = dir.resolve(name);
            write(d.resolve(trainImagesName), trainImages);
            write(d.resolve("train-labels-idx1-ubyte"), idxLabels(20));
            write(d.resolve("t10k-images-idx3-ubyte"), testImages);
            write(d.resolve("t10k-labels-idx1-ubyte"), idxLabels(10));
            return List.of("train", "--data", d.toString());
        }, expected);
    }

    private static Case csv(String name, String text, String expected) {
        return new Case(name, dir -> List.of("train", "--data",
                write(dir.resolve(name + ".csv"), text.getBytes(StandardCharsets.UTF_8)).toString()), expected);
    }

    private static String rows(int n, Function<Integer, String> row) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(row.apply(i)).append('\n');
        }
        return sb.toString();
    }

    static Stream<Case> cases() {
        byte[] trailingHeader = "{\"dense_0.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} xyz"
                .getBytes(StandardCharsets.UTF_8);
        byte[] weights = ByteBuffer.allocate(8 + trailingHeader.length + 4).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(trailingHeader.length).put(trailingHeader).array();
        return Stream.of(
                spec("nested", "{\"input_shape\": [64], \"x\": " + "[".repeat(1500) + "]".repeat(1500) + "}",
                        "nesting depth (1001) exceeds the maximum allowed (1000)"),
                spec("key-30mb", "{\"" + "k".repeat(30_000_000) + "\": 1}", "at line 1, column"),
                spec("number-100k-digits", "{\"input_shape\": [" + "1".repeat(100_000) + "]}", "Number value length"),
                replaced("units-1e12", "\"units\": 16", "\"units\": 1e12", "\"units\" is too large: 1e12"),
                replaced("units-1e400", "\"units\": 16", "\"units\": 1e400", "\"units\" is too large: 1e400"),
                replaced("units-int-max", "\"units\": 16", "\"units\": 2147483647",
                        "64 inputs x 2,147,483,647 units = 137,438,953,408 weights, more than one tensor holds"),
                replaced("beyond-the-heap", "[64], \"layers\": [", "[64], \"layers\": [{\"type\": \"dense\", "
                        + "\"units\": 60000}, {\"type\": \"dense\", \"units\": 30000}, ",
                        "parameters (4 bytes each for the weights, the gradients and 2 optimizer slots) need about"),
                replaced("input-1e12", "[64]", "[1e12]", "\"input_shape\"[0] is too large: 1e12"),
                replaced("input-65536x65536", "[64]", "[65536, 65536]", "has more than 2147483647 features"),
                replaced("optimizer-list", "{\"type\": \"adam\", \"lr\": 0.01}", "[\"adam\"]", "got a list"),
                replaced("optimizer-number", "{\"type\": \"adam\", \"lr\": 0.01}", "3", "got 3"),
                replaced("initializer-params-string", "\"activation\": \"relu\"", "\"activation\": \"relu\", "
                        + "\"kernel_initializer\": \"he_normal\", \"kernel_initializer_params\": \"x\"",
                        "\"kernel_initializer_params\" must be a JSON object, got the string \"x\""),
                replaced("trainable-string", "\"activation\": \"relu\"", "\"activation\": \"relu\", \"trainable\": \"true\"",
                        "\"trainable\" must be true or false, got the string \"true\""),
                spec("trailing-object", SPEC + " {}", "unexpected content after the JSON object"),
                spec("utf16", SPEC.getBytes(StandardCharsets.UTF_16), "is UTF-16 text"),
                spec("not-utf8", SPEC.replace("relu", "re\u00fflu").getBytes(StandardCharsets.ISO_8859_1),
                        "is not UTF-8 text: byte 0xff at offset"),
                new Case("predict-limit-negative", dir -> List.of("predict", dir.resolve("no-run").toString(),
                        "--limit", "-1"), "--limit must be at least 1"),
                new Case("data-dev-null", dir -> List.of("train", "--data", "/dev/null"), "is not a regular file"),
                idx("idx-14x14-beside-28x28", "train-images-idx3-ubyte", idxImages(20, 28, 28), idxImages(10, 14, 14),
                        "are 14x14, but those of"),
                idx("idx-gzip-trailing-bytes", "train-images-idx3-ubyte.gz",
                        concat(gzip(idxImages(20, 28, 28)), "garbage!".getBytes(StandardCharsets.UTF_8)),
                        idxImages(10, 28, 28), "8 bytes after the end of the gzip data at offset"),
                idx("idx-gzip-bomb-header", "train-images-idx3-ubyte.gz", gzip(concat(ByteBuffer.allocate(16)
                        .putInt(0x803).putInt(60000).putInt(200).putInt(200).array(), new byte[4096])),
                        idxImages(10, 28, 28), "declares [60000, 200, 200] = 2400000000 bytes of data"),
                idx("idx-gzip-corrupt", "train-images-idx3-ubyte.gz", corrupt(gzip(idxImages(20, 28, 28))),
                        idxImages(10, 28, 28), "idx-gzip-corrupt/train-images-idx3-ubyte.gz"),
                csv("column-at-float-limit", "a,b,label\n" + rows(40, i -> String.format(Locale.ROOT, "%s,%d,%d",
                        i % 2 == 0 ? "3e38" : "-3e38", i, i % 2)), "column 'a': values from"),
                csv("csv-two-rows", "a,b,label\n1,2,0\n3,4,1\n", "has 2 rows: a test split of 0.2 leaves no row to test on"),
                csv("csv-one-row", "a,b,label\n1,2,0\n", "has 1 row: a test split of 0.2 leaves no row to test on"),
                csv("cell-10mb", "a,b,label\n" + rows(20, i -> i + "," + i + "," + i % 2)
                        + "\"" + "x".repeat(10_000_000) + "\",1,0\n", "(10,000,000 characters)"),
                new Case("init-weights-trailing-header", dir -> List.of("train", "--init-weights",
                        write(dir.resolve("w.safetensors"), weights).toString()), "has a header that is not valid JSON at offset 74: Unrecognized token 'xyz'"));
    }

    private static byte[] corrupt(byte[] gz) {
        byte[] out = gz.clone();
        for (int i = 12; i < 40 && i < out.length - 8; i++) {
            out[i] ^= 0x5a;
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneErrorLineExitTwoNothingWritten(Case c) {
        Path dir = tmp.resolve(c.name());
        Path out = dir.resolve("run");
        List<String> args = new java.util.ArrayList<>(c.args().apply(dir));
        if (args.get(0).equals("train")) {
            args.addAll(List.of("--epochs", "1", "--backend", "cpu", "--out", out.toString()));
        }
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        String all = r.out() + r.err();
        assertEquals(2, r.code(), all.length() > 3000 ? all.substring(0, 3000) : all);
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), r.err());
        String line = errors.get(0);
        assertTrue(line.contains(c.expected()), "expected '" + c.expected() + "' in: " + line);
        assertFalse(all.contains("Exception") || all.contains("\tat ") || all.contains("at io.")
                || all.matches("(?s).*\\bjava\\.[a-z]+\\..*"), all.length() > 3000 ? all.substring(0, 3000) : all);
        assertTrue(line.length() < 1000, "the error line echoes the input: " + line.length() + " characters");
        assertFalse(Files.exists(out), "nothing written");
    }
}
