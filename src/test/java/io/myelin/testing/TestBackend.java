package io.myelin.testing;

import io.myelin.backend.Availability;
import io.myelin.backend.Backend;
import io.myelin.backend.Backends;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One backend a test body runs on, started on first use and closed after the test (JUnit closes
 * {@link AutoCloseable} arguments of a parameterized test). Where the backend cannot start, {@link #get()}
 * skips the test with the exact reason; {@link TestBackends} hands out such a handle only when the backend was
 * asked for by name ({@code -Dmyelin.test.backends}), so a requested backend is never silently left out.
 *
 * <pre>{@code
 * @ParameterizedTest @MethodSource("io.myelin.testing.TestBackends#available")
 * void learns(TestBackend backend) { Backend be = backend.get(); ... }
 * }</pre>
 */
public final class TestBackend implements AutoCloseable {
    private static final Set<String> PRINTED = ConcurrentHashMap.newKeySet();

    private final String name;
    private final String skipReason;
    private Backend started;

    TestBackend(String name, String skipReason) {
        this.name = name;
        this.skipReason = skipReason;
    }

    /**
     * A handle on backend {@code name} whatever {@code -Dmyelin.test.backends} says (for {@link UseBackend}: a
     * test about one backend needs that one): it skips, saying why, where the backend is not registered or
     * cannot start.
     */
    static TestBackend of(String name) {
        return Backends.providers().stream().filter(p -> p.name().equals(name)).findFirst()
                .map(p -> new TestBackend(name, skipReason(name, p.availability())))
                .orElseGet(() -> new TestBackend(name, "no backend '" + name + "' is registered; known: "
                        + Backends.names()));
    }

    /** {@code cpu}, {@code cuda}. */
    public String name() {
        return name;
    }

    /** Whether {@link #get()} will start the backend rather than skip. */
    public boolean canStart() {
        return skipReason == null;
    }

    /** The started backend (the same one for the whole test); skips the test when it cannot start here. */
    public Backend get() {
        if (skipReason != null) {
            if (PRINTED.add(name + ": " + skipReason)) {   // once per reason, not once per skipped test
                System.out.println("[tests] skipped on " + name + ": " + skipReason);
            }
            Assumptions.abort(name + ": " + skipReason);
        }
        if (started == null) {
            started = Backends.create(name);
        }
        return started;
    }

    /**
     * Why backend {@code name} cannot start here, or null when it can: under {@code MYELIN_CUDA_EMU=1} (the
     * cuda-emulated execution) that the emulator was not built, or why it did not load; else the probe's reason.
     */
    public static String skipReason(String name, Availability a) {
        if (a.available()) {
            return null;
        }
        if ("cuda".equals(name) && "1".equals(System.getenv("MYELIN_CUDA_EMU"))) {
            String path = System.getenv().getOrDefault("LD_LIBRARY_PATH", "");
            String dir = path.isEmpty() ? "target/cuda-emu" : path.split(":")[0];
            if (!Files.isRegularFile(Path.of(dir, "libcuda.so.1"))) {
                return "the CUDA emulator was not built (no " + dir + "/libcuda.so.1: g++ is missing, or"
                        + " -Dmyelin.emu.skip=true); emulated CUDA tests skipped";
            }
            return "the CUDA emulator in " + dir + " did not start: " + a.reason();
        }
        return "backend not available here: " + a.reason();
    }

    @Override
    public void close() {
        if (started != null) {
            started.close();
            started = null;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
