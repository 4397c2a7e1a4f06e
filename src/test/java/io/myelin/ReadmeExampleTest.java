package io.myelin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java example is {@code scripts/consumer/src/main/java/QuickStart.java} (the program that
 * {@code scripts/check-consumer.sh} builds against the installed artifact): the two are kept equal, and the
 * program compiles against the library, imports included, and trains.
 */
class ReadmeExampleTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", "."));
    private static final Path EXAMPLE = ROOT.resolve("scripts/consumer/src/main/java/QuickStart.java");

    /** The first {@code ```java} block of the README's "Java API" section. */
    static String readmeExample(String readme) {
        int section = readme.indexOf("\n## Java API\n");
        assertTrue(section >= 0, "README.md has no '## Java API' section");
        Matcher m = Pattern.compile("\n```java\n(.*?)\n```\n", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(section), "README.md's Java API section has no ```java block");
        int next = readme.indexOf("\n## ", section + 1);
        assertTrue(next < 0 || m.start() < next, "the first ```java block after '## Java API' is in a later section");
        return m.group(1) + "\n";
    }

    @Test
    void readmeExampleIsTheConsumerProgram() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertEquals(Files.readString(EXAMPLE), readmeExample(readme),
                "README.md's Java example and " + ROOT.relativize(EXAMPLE) + " differ: change both");
    }

    @Test
    void readmeExampleExtractionSeesAChangedBlock() {
        String readme = "# X\n## Java API\ntext\n```xml\n<a/>\n```\n```java\nclass A {}\n```\nmore\n## Next\n";
        assertEquals("class A {}\n", readmeExample(readme));
        assertTrue(!readmeExample(readme.replace("class A", "class B")).equals("class A {}\n"));
    }

    @Test
    void consumerProgramCompilesAndTrains(@TempDir Path out) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler (a JRE instead of a JDK?)");
        StringWriter diagnostics = new StringWriter();
        // java.class.path may be surefire's manifest-only jar; javac follows its Class-Path like the JVM does.
        List<String> options = List.of("-Xlint:all", "-Werror", "-d", out.toString(),
                "-cp", System.getProperty("java.class.path"));
        boolean ok = javac.getTask(diagnostics, null, null, options, null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(EXAMPLE)).call();
        assertTrue(ok, "QuickStart.java does not compile against the library:\n" + diagnostics);

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = loader.loadClass("QuickStart").getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(stdout);
        }
        String line = printed.toString(StandardCharsets.UTF_8).strip();
        Matcher m = Pattern.compile("epochs (\\d+), test accuracy (\\d\\.\\d{4})").matcher(line);
        assertTrue(m.matches(), "QuickStart printed: " + line);
        assertEquals(20, Integer.parseInt(m.group(1)), line);
        double accuracy = Double.parseDouble(m.group(2));
        assertTrue(accuracy >= 0.90, "test accuracy " + accuracy + " of the README's example is below 0.90");
    }
}
