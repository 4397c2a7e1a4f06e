package io.myelin.testing;

import io.myelin.backend.Availability;
import io.myelin.backend.BackendProvider;
import io.myelin.backend.Backends;
import org.junit.jupiter.params.provider.Arguments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The backends test bodies run on: one body, every backend (STYLE.md, one suite for all backends).
 * Without {@value #PROPERTY} these are the registered backends that can start here (a backend that
 * cannot is left out, with one line saying why); with it (a comma-separated list of names, e.g. {@code cuda}
 * in the emulated surefire execution, so CPU-only work is not run twice) exactly those, and a named backend
 * that cannot start makes its tests skip with the reason rather than vanish. A test that is about one backend
 * by nature (not a body for every backend) names it with {@link UseBackend} instead.
 *
 * <pre>{@code
 * @ParameterizedTest @MethodSource("io.myelin.testing.TestBackends#available")
 * void fits(TestBackend backend) { try (Sequential m = new Sequential(backend.get(), 4, 3)) { ... } }
 * }</pre>
 */
public final class TestBackends {
    /** System property naming the backends to test, e.g. {@code -Dmyelin.test.backends=cuda}. */
    public static final String PROPERTY = "myelin.test.backends";

    private static final Set<String> REPORTED = new TreeSet<>();

    private TestBackends() {
    }

    /** One fresh handle per backend to test, for {@code @MethodSource}. */
    public static Stream<TestBackend> available() {
        List<TestBackend> out = new ArrayList<>();
        List<String> requested = requested();
        for (BackendProvider p : Backends.providers()) {
            Availability a = p.availability();
            if (requested != null) {
                if (requested.contains(p.name())) {
                    out.add(new TestBackend(p.name(), TestBackend.skipReason(p.name(), a)));
                }
            } else if (a.available()) {
                out.add(new TestBackend(p.name(), null));
            } else {
                report(p.name(), a.reason());
            }
        }
        if (requested != null) {
            for (String name : requested) {
                if (out.stream().noneMatch(b -> b.name().equals(name))) {
                    out.add(new TestBackend(name, "no backend '" + name + "' is registered; known: " + Backends.names()));
                }
            }
        }
        return out.stream();
    }

    /** Every case with every backend: {@code (TestBackend, case)} argument pairs for {@code @MethodSource}. */
    public static Stream<Arguments> withEach(Stream<?> cases) {
        List<?> all = cases.toList();
        return available().map(TestBackend::name).toList().stream().flatMap(name -> all.stream()
                .map(c -> Arguments.of(fresh(name), c)));
    }

    /** Whether {@code name} is tested in this run and can start here. */
    public static boolean tested(String name) {
        return available().anyMatch(b -> b.name().equals(name) && b.canStart());
    }

    /** Whether {@value #PROPERTY} names {@code name} (so it must run, or skip saying why). */
    public static boolean named(String name) {
        List<String> r = requested();
        return r != null && r.contains(name);
    }

    /** Whether this run tests {@code name}: every backend without {@value #PROPERTY}, else the ones it names. */
    public static boolean requested(String name) {
        List<String> r = requested();
        return r == null || r.contains(name);
    }

    /** The names of the backends to test, in {@link #available()} order (for dynamic tests). */
    public static List<String> names() {
        return available().map(TestBackend::name).toList();
    }

    /** A fresh handle on backend {@code name} as {@link #available()} would give it (close it after use). */
    public static TestBackend handle(String name) {
        return fresh(name);
    }

    private static TestBackend fresh(String name) {
        return available().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
    }

    /** The names in {@value #PROPERTY}, or null when it is unset (then every available backend). */
    static List<String> requested() {
        String v = System.getProperty(PROPERTY, "").trim();
        if (v.isEmpty()) {
            return null;
        }
        return Arrays.stream(v.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty())
                .toList();
    }

    private static void report(String name, String reason) {
        synchronized (REPORTED) {
            if (REPORTED.add(name)) {
                System.out.println("[tests] backend " + name + " not tested here: " + reason);
            }
        }
    }
}
