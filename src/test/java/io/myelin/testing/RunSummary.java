package io.myelin.testing;

import io.myelin.backend.Availability;
import io.myelin.backend.BackendProvider;
import io.myelin.backend.Backends;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prints one summary line per surefire execution (registered in META-INF/services): which execution
 * ({@code -Dmyelin.test.execution}), the backends under test and whether CUDA is real or emulated, the
 * counts, and how many test cases ran on CUDA (a case whose id or name, or a container's, names cuda: the
 * CUDA classes, the contract suite's cuda container, a model test's cuda parameter). An emulated run that skipped CUDA cases says so.
 */
public final class RunSummary implements TestExecutionListener {
    private final AtomicInteger passed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final AtomicInteger cudaPassed = new AtomicInteger();
    private final AtomicInteger cudaFailed = new AtomicInteger();
    private final AtomicInteger cudaSkipped = new AtomicInteger();
    private long started;
    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        started = System.nanoTime();
        plan = testPlan;
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (id.isTest()) {
            skipped.incrementAndGet();
            if (isCuda(id)) {
                cudaSkipped.incrementAndGet();
            }
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (!id.isTest()) {
            return;
        }
        boolean cuda = isCuda(id);
        switch (result.getStatus()) {
            case SUCCESSFUL -> {
                passed.incrementAndGet();
                if (cuda) {
                    cudaPassed.incrementAndGet();
                }
            }
            case ABORTED -> {
                skipped.incrementAndGet();
                if (cuda) {
                    cudaSkipped.incrementAndGet();
                }
            }
            case FAILED -> {
                failed.incrementAndGet();
                if (cuda) {
                    cudaFailed.incrementAndGet();
                }
            }
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (passed.get() + failed.get() + skipped.get() == 0) {
            return;
        }
        String execution = System.getProperty("myelin.test.execution", "(outside surefire)");
        String backends = System.getProperty(TestBackends.PROPERTY, "").isBlank() ? "every available backend"
                : System.getProperty(TestBackends.PROPERTY);
        System.out.printf(Locale.ROOT, "[myelin tests] execution %s (%s; cuda: %s): %d passed, %d failed, %d skipped"
                        + " in %.1f s; CUDA cases: %d passed, %d failed, %d skipped%n", execution, backends, cudaState(),
                passed.get(), failed.get(), skipped.get(), (System.nanoTime() - started) / 1e9, cudaPassed.get(),
                cudaFailed.get(), cudaSkipped.get());
    }

    /**
     * A CUDA case: every case of a run that tests only cuda ({@code -Dmyelin.test.backends=cuda}); elsewhere one
     * whose id or name, or a container's, names cuda (a class, a contract-suite container, a parameter).
     */
    private boolean isCuda(TestIdentifier id) {
        if (List.of("cuda").equals(TestBackends.requested())) {
            return true;
        }
        for (TestIdentifier t = id; t != null; t = plan == null ? null : plan.getParent(t).orElse(null)) {
            if (t.getUniqueId().toLowerCase(Locale.ROOT).contains("cuda")
                    || t.getDisplayName().toLowerCase(Locale.ROOT).contains("cuda")) {
                return true;
            }
        }
        return false;
    }

    private static String cudaState() {
        for (BackendProvider p : Backends.providers()) {
            if (p.name().equals("cuda")) {
                Availability a = p.availability();
                return !a.available() ? "not available" : a.automatic() ? "real device" : "emulated";
            }
        }
        return "not registered";
    }
}
