package io.myelin.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every example in the main sources' javadoc compiles against the code as it is, so an example cannot name a
 * method or class that does not exist (STYLE.md habit 8: public API gets javadoc with a one-line example).
 *
 * <p>An example is the text of a {@code <pre>{@code ...}</pre>} block. It is compiled, with
 * {@link JavaCompiler} against the test class path, as the body of a method in a class of the example's own
 * package (so package-private names resolve as they do for the file), with imports of every {@code io.myelin}
 * package and of {@code java.util}, {@code java.util.function} and {@code java.nio.file}. Conventions:
 * <ul>
 *   <li>The free names an example may use without declaring them are the method's parameters, a fixed list:
 *       {@link #FREE_NAMES}. Only those the example names are declared (so a package-private type is needed only
 *       by its own package's examples), and none that the example declares itself (a local or lambda parameter
 *       of that name).</li>
 *   <li>{@code ...} stands for omitted code: it is compiled as a comment, so it may stand for statements (in
 *       {@code { ... }}), not for arguments.</li>
 *   <li>A block that is not Java (formulas, a shell command) is written {@code <pre>} without {@code {@code}}
 *       (javadoc renders both the same), and is not compiled.</li>
 * </ul>
 * A failure names each example's file and line, the line of the example the compiler points at, and its error.
 */
class JavadocExamplesTest {
    private static final Path MAIN_SOURCES = Path.of("src/main/java");

    /** The parameters of every example's method: the names examples use for the usual objects. */
    static final Map<String, String> FREE_NAMES = freeNames();

    private static Map<String, String> freeNames() {
        Map<String, String> m = new LinkedHashMap<>();
        // the model and its data
        m.put("backend", "Backend");
        m.put("model", "Sequential");
        m.put("fresh", "Sequential");   // a second model, built from the same spec and seed
        m.put("spec", "ModelSpec");
        m.put("loss", "Loss");
        m.put("x", "Tensor");
        m.put("y", "Tensor");
        m.put("w", "Tensor");
        m.put("h", "Tensor");
        m.put("pred", "Tensor");
        m.put("target", "Tensor");
        m.put("alpha", "Tensor");
        m.put("train", "io.myelin.train.EncodedData");
        m.put("cfg", "FitConfig");
        m.put("history", "History");
        m.put("rangeTest", "LearningRateRangeTest");
        m.put("data", "io.myelin.data.Dataset");
        m.put("tt", "TrainTest");
        m.put("weight", "NamedTensor");
        m.put("bias", "NamedTensor");
        // plain values
        m.put("names", "List<String>");
        m.put("map", "Map<String, Object>");
        m.put("metrics", "Map<String, Object>");
        m.put("training", "Map<String, Object>");
        m.put("dir", "Path");
        m.put("file", "Path");
        m.put("path", "Path");
        m.put("json", "String");
        m.put("m", "int");
        m.put("n", "int");
        m.put("k", "int");
        m.put("epochs", "int");
        m.put("params", "long");
        m.put("a", "float[]");
        m.put("b", "float[]");
        m.put("c", "float[]");
        m.put("values", "float[]");
        // package-private parts, named only by their own package's examples
        m.put("loaded", "io.myelin.cli.TrainCommand.LoadedData");
        m.put("stream", "jcuda.driver.CUstream");
        m.put("plan", "CublasLoader.Plan");
        m.put("allocator", "CudaAllocator");
        m.put("launcher", "KernelLauncher");
        m.put("staging", "PinnedStaging");
        m.put("src", "CudaStorage");
        m.put("dst", "CudaStorage");
        m.put("devicePointer", "jcuda.driver.CUdeviceptr");
        m.put("da", "jcuda.Pointer");
        m.put("db", "jcuda.Pointer");
        m.put("dc", "jcuda.Pointer");
        return m;
    }

    /** One example: where it is and its text, comment stars removed. */
    record Example(Path file, int line, String pkg, String code) {
        String where() {
            return file + ":" + line;
        }
    }

    /** A compiler error in an example, at {@code line} of its file. */
    record Failure(Example example, long line, String code, String message) {
        @Override
        public String toString() {
            return example.file() + ":" + line + " (example at line " + example.line() + "): `" + code + "`: " + message;
        }
    }

    @TempDir
    Path classes;

    @Test
    void everyJavadocExampleCompiles() throws IOException {
        assertTrue(Files.isDirectory(MAIN_SOURCES), "no " + MAIN_SOURCES.toAbsolutePath()
                + ": the test reads the main sources and runs in the project's root directory (as surefire runs it)");
        List<Example> examples = new ArrayList<>();
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String text = Files.readString(f);
                packages.add(packageOf(text));
                examples.addAll(extract(f, text));
            }
        }
        assertTrue(examples.size() >= 50, "found only " + examples.size() + " examples in " + MAIN_SOURCES
                + ": is the extraction broken?");
        List<Failure> failures = compile(examples, packages, classes);
        if (!failures.isEmpty()) {
            StringBuilder sb = new StringBuilder(failures.size() + " of " + examples.size()
                    + " javadoc examples do not compile (fix the comment; a block that is not Java is written <pre>"
                    + " without {@code}):");
            failures.forEach(f -> sb.append("\n  ").append(f));
            fail(sb.toString());
        }
        System.out.println("javadoc examples: " + examples.size() + " compiled, from " + packages.size() + " packages");
    }

    /** The same extraction and compilation fail on an example that names a missing method, and say where. */
    @Test
    void anExampleThatNamesAMissingMethodFails() {
        String source = """
                package io.myelin.tensor;

                /**
                 * Good: <pre>{@code try (Tensor t = Tensor.of(backend, new float[] {1, 2}, 1, 2)) { float[] v = t.toArray(); }}</pre>
                 * A formula, not compiled: <pre>
                 * y = x * w + b
                 * </pre>
                 * Bad:
                 * <pre>{@code
                 * Tensor t = Tensor.zeros(backend, 2, 2);
                 * t.noSuchMethod();
                 * }</pre>
                 */
                final class Planted {
                }
                """;
        Path file = Path.of("planted/Planted.java");
        List<Example> examples = extract(file, source);
        assertEquals(2, examples.size(), "two Java examples; the plain <pre> is skipped");
        assertEquals(4, examples.get(0).line());
        assertEquals(9, examples.get(1).line());
        List<Failure> failures = compile(examples, mainPackages(), classes);
        assertEquals(1, failures.size(), failures.toString());
        String message = failures.get(0).toString();
        assertTrue(message.startsWith("planted/Planted.java:11 (example at line 9): `t.noSuchMethod();`: "), message);
        assertTrue(message.toLowerCase(Locale.ROOT).contains("cannot find symbol"), message);
        assertTrue(message.contains("noSuchMethod"), message);
    }

    private static Set<String> mainPackages() {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                packages.add(packageOf(Files.readString(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packages;
    }

    private static String packageOf(String source) {
        Matcher m = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;").matcher(source);
        return m.find() ? m.group(1) : "";
    }

    /** The {@code <pre>{@code ...}</pre>} blocks of one file (the code ends at the brace matching {@code {@code}). */
    static List<Example> extract(Path file, String source) {
        List<Example> out = new ArrayList<>();
        String pkg = packageOf(source);
        String open = "<pre>{@code";
        for (int at = source.indexOf(open); at >= 0; at = source.indexOf(open, at + open.length())) {
            int depth = 1;
            int i = at + open.length();
            for (; i < source.length() && depth > 0; i++) {
                char ch = source.charAt(i);
                depth += ch == '{' ? 1 : ch == '}' ? -1 : 0;
            }
            String body = source.substring(at + open.length(), i - 1);
            int line = 1 + (int) source.substring(0, at).chars().filter(ch -> ch == '\n').count();
            out.add(new Example(file, line, pkg, uncomment(body)));
        }
        return out;
    }

    /** The example's lines without the comment's leading {@code *}; its first line is the one with {@code <pre>}. */
    private static String uncomment(String body) {
        String[] lines = body.split("\n", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String l = i == 0 ? lines[i] : lines[i].replaceFirst("^\\s*\\*( ?)", "");
            sb.append(l).append(i + 1 < lines.length ? "\n" : "");
        }
        return sb.toString();
    }

    /** The names an example declares (locals, lambda and resource variables), which its method must not declare. */
    static Set<String> declared(String code) {
        Set<String> names = new TreeSet<>();
        Matcher local = Pattern.compile("[\\w>\\]]\\s+(\\w+)\\s*(=[^=]|:)").matcher(code);
        while (local.find()) {
            names.add(local.group(1));
        }
        Matcher lambda = Pattern.compile("(\\w+)\\s*->").matcher(code);
        while (lambda.find()) {
            names.add(lambda.group(1));
        }
        Matcher lambdas = Pattern.compile("\\(([\\w\\s,]*)\\)\\s*->").matcher(code);
        while (lambdas.find()) {
            for (String p : lambdas.group(1).split(",")) {
                names.add(p.strip());
            }
        }
        Matcher comma = Pattern.compile("[\\w>\\]]\\s+\\w+\\s*=[^=;]*,\\s*(\\w+)\\s*=[^=]").matcher(code);
        while (comma.find()) {
            names.add(comma.group(1));
        }
        return names;
    }

    /**
     * Compiles the examples, the failures in example order. All at once, then again without the ones that failed:
     * javac stops before checking names when any unit has a syntax error, so one pass would hide the rest.
     */
    static List<Failure> compile(List<Example> examples, Set<String> packages, Path outDir) {
        List<Failure> failures = new ArrayList<>();
        List<Example> left = new ArrayList<>(examples);
        while (!left.isEmpty()) {
            List<Failure> round = compileOnce(left, packages, outDir);
            if (round.isEmpty()) {
                break;
            }
            failures.addAll(round);
            round.forEach(f -> left.remove(f.example()));
        }
        failures.sort((p, q) -> examples.indexOf(p.example()) - examples.indexOf(q.example()));
        return failures;
    }

    private static List<Failure> compileOnce(List<Example> examples, Set<String> packages, Path outDir) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertTrue(javac != null, "no system Java compiler: the tests need a JDK, not a JRE");
        StringBuilder imports = new StringBuilder();
        packages.stream().filter(p -> p.startsWith("io.myelin")).forEach(p -> imports.append("import ").append(p)
                .append(".*; "));
        imports.append("import java.util.*; import java.util.function.*; import java.nio.file.*;\n");
        List<JavaFileObject> units = new ArrayList<>();
        Map<String, Example> byUnit = new LinkedHashMap<>();
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            String name = "JavadocExample" + i;
            String code = e.code().replaceAll("//[^\n]*", "");   // names in comments are no uses
            Set<String> own = declared(code);
            StringBuilder params = new StringBuilder();
            FREE_NAMES.forEach((n, type) -> {
                if (!own.contains(n) && Pattern.compile("\\b" + n + "\\b").matcher(code).find()) {
                    params.append(params.length() == 0 ? "" : ", ").append(type).append(' ').append(n);
                }
            });
            // line 1: package and imports; line 2: class and method; the example starts on line 3
            String src = (e.pkg().isEmpty() ? "" : "package " + e.pkg() + "; ") + imports
                    + "@SuppressWarnings(\"all\") abstract class " + name + " { void example(" + params
                    + ") throws Throwable {\n" + e.code().replace("...", "/* ... */") + "\n}}\n";
            String unit = (e.pkg().isEmpty() ? "" : e.pkg().replace('.', '/') + "/") + name;
            units.add(new Source(unit, src));
            byUnit.put(URI.create("string:///" + unit + ".java").getPath(), e);
        }
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of("-proc:none", "-Xlint:none", "-nowarn", "-classpath", classPath, "-d",
                outDir.toString());
        try (var fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            javac.getTask(null, fm, diagnostics, options, null, units).call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Failure> failures = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            Example e = d.getSource() == null ? null : byUnit.get(d.getSource().toUri().getPath());
            String message = d.getMessage(Locale.ROOT).replace('\n', ' ');
            long codeLine = d.getLineNumber() - 2;   // the example starts on line 3 of its unit
            if (e == null) {
                fail("a javadoc example's unit cannot be found for: " + message);
            }
            if (codeLine < 1) {   // the imports or the method's parameters (FREE_NAMES)
                failures.add(new Failure(e, e.line(), "(its method: "
                        + ((Source) d.getSource()).code.lines().skip(1).findFirst().orElse("") + ")", message));
                continue;
            }
            String[] lines = e.code().split("\n", -1);
            String code = codeLine <= lines.length ? lines[(int) codeLine - 1].strip() : "";
            failures.add(new Failure(e, e.line() + codeLine - 1, code, message));
        }
        return failures.stream().distinct().toList();
    }

    /** An in-memory compilation unit. */
    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String unit, String code) {
            super(URI.create("string:///" + unit + ".java"), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }
}
