package io.myelin.testing;

import io.myelin.backend.Backend;
import io.myelin.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * {@link UseBackend} injects started backends and JUnit closes them: a static field's after its class, an instance
 * field's and a parameter's after their test; a backend that cannot start skips the tests that need it. The sample
 * classes are nested (surefire does not run them itself) and launched here by JUnit's own launcher.
 */
class BackendFixtureTest {
    private static final List<Backend> CLASS_FIELD = new ArrayList<>();
    private static final List<Backend> INSTANCE_FIELD = new ArrayList<>();
    private static final List<Backend> PARAMETER = new ArrayList<>();

    static class Sample {
        @UseBackend("cpu")
        static Backend shared;
        @UseBackend("cpu")
        Backend own;

        @Test
        void first(@UseBackend("cpu") Backend param) {
            record(param);
        }

        @Test
        void second(@UseBackend("cpu") Backend param) {
            record(param);
        }

        private void record(Backend param) {
            try (Tensor t = Tensor.zeros(param, 2)) {   // started, and open during the test
                assertEquals(2, t.toArray().length);
            }
            CLASS_FIELD.add(shared);
            INSTANCE_FIELD.add(own);
            PARAMETER.add(param);
            assertNotSame(shared, param);
        }
    }

    static class Unregistered {
        @UseBackend("no-such-backend")
        static Backend none;

        @Test
        void skipped() {
            fail("must be skipped: backend " + none + " cannot start");
        }
    }

    static class UnregisteredParameter {
        @Test
        void skipped(@UseBackend("no-such-backend") Backend none) {
            fail("must be skipped: backend " + none + " cannot start");
        }
    }

    private static TestExecutionSummary run(Class<?> testClass) {
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false).build());   // no second RunSummary line
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass))
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        return listener.getSummary();
    }

    private static void assertClosed(Backend b, String what) {
        assertThrows(IllegalStateException.class, () -> Tensor.zeros(b, 1), what + " must be closed");
    }

    @Test
    void staticFieldsLiveForTheClassInstanceFieldsAndParametersForOneTest() {
        TestExecutionSummary s = run(Sample.class);
        assertEquals(List.of(), s.getFailures().stream().map(f -> f.getException().toString()).toList());
        assertEquals(2, s.getTestsSucceededCount());
        assertEquals(2, CLASS_FIELD.size());
        assertNotNull(CLASS_FIELD.get(0));
        assertSame(CLASS_FIELD.get(0), CLASS_FIELD.get(1), "one backend for the class");
        assertNotSame(INSTANCE_FIELD.get(0), INSTANCE_FIELD.get(1), "one backend per test instance");
        assertNotSame(PARAMETER.get(0), PARAMETER.get(1), "one backend per test");
        for (List<Backend> seen : List.of(CLASS_FIELD, INSTANCE_FIELD, PARAMETER)) {
            for (Backend b : seen) {
                assertClosed(b, b.name());
            }
        }
    }

    @Test
    void aBackendThatCannotStartSkipsTheTestsThatNeedIt() {
        for (Class<?> c : List.of(Unregistered.class, UnregisteredParameter.class)) {
            TestExecutionSummary s = run(c);
            assertEquals(0, s.getTotalFailureCount(), c.getSimpleName());
            assertEquals(1, s.getTestsAbortedCount(), c.getSimpleName() + ": the test is skipped, saying why");
        }
        assertNull(Unregistered.none);
    }
}
