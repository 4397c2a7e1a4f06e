package io.myelin.testing;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A backend that JUnit starts for a test and closes after it, as {@code @TempDir} does for a directory: the one
 * way a test that is about one backend by nature (CPU-only file and spec tests, the CUDA kernel tests, a
 * CPU-against-CUDA comparison) gets it. Tests whose body should run on every backend take a {@link TestBackend}
 * from {@link TestBackends#available()} instead.
 *
 * <p>On a static field the backend lives for the test class, on an instance field or a test method's parameter
 * for one test. The field's or parameter's type may be {@code Backend} or the backend's class
 * ({@code CudaBackend}). Where the backend cannot start here, every test that needs it is skipped with the
 * reason ({@link TestBackend#skipReason}), and a static field stays null.
 *
 * <pre>
 * &#64;UseBackend("cpu") static Backend cpu;
 * &#64;Test void parity(&#64;UseBackend("cuda") Backend cuda, &#64;UseBackend("cpu") Backend cpu) { ... }
 * </pre>
 */
@Documented
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(BackendFixture.class)
public @interface UseBackend {
    /** The backend's name, as {@code Backends.create} takes it: {@code cpu}, {@code cuda}. */
    String value();
}
