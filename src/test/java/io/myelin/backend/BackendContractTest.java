package io.myelin.backend;

import io.myelin.tensor.Scope;
import io.myelin.testing.TestBackends;
import io.myelin.tensor.Tensor;
import io.myelin.testing.UseBackend;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The backend contract suite (STYLE.md: "one parity suite for all backends"): one test body per op case
 * ({@link ContractCases}) run on every available backend from {@link Backends#providers()}, so a backend
 * added later is covered without touching this file. Each case runs inside a {@link Scope} and must
 * leave {@link Backend#liveBytes()} where it found it. The last test of each backend asserts that the
 * cases it checked are exactly the cases {@link SpiCatalog} enumerates from the SPI by reflection, so a
 * new SPI method or enum constant without a case fails the build.
 */
@SuppressWarnings("try") // scopes are opened for their effect (owning tensors), not referenced
class BackendContractTest {

    @TestFactory
    Stream<DynamicNode> everyOpOnEveryAvailableBackend() {
        String cudaWhy = cudaUnavailableReason().orElse(null);
        if (cudaWhy != null) {
            System.out.println("CUDA backend not available (" + cudaWhy + "): contract suite runs on CPU only");
        }
        List<DynamicNode> nodes = new ArrayList<>();
        for (BackendProvider p : Backends.providers()) {
            Availability a = p.availability();
            if (!TestBackends.tested(p.name())) {
                if (TestBackends.named(p.name())) {   // asked for by name but cannot start: skip, saying why
                    nodes.add(dynamicContainer(p.name(), Stream.of(dynamicTest("backend can start", () ->
                            TestBackends.handle(p.name()).get()))));
                } else if (!a.available()) {
                    System.out.println("backend " + p.name() + " skipped by the contract suite: " + a.reason());
                }
                continue;
            }
            nodes.add(dynamicContainer(p.name(), suiteFor(p)));
        }
        if (TestBackends.requested("cpu")) {
            assertTrue(nodes.stream().anyMatch(n -> n.getDisplayName().equals("cpu")), "the cpu backend must always run");
        }
        return nodes.stream();
    }

    /** Runs the cases on one backend, created lazily by the first case and closed by the coverage check. */
    private static Stream<DynamicNode> suiteFor(BackendProvider provider) {
        List<ContractCases.OpCase> cases = ContractCases.all(provider);
        SortedSet<String> checked = new TreeSet<>();
        Backend[] holder = new Backend[1];
        List<DynamicNode> tests = new ArrayList<>();
        for (ContractCases.OpCase c : cases) {
            tests.add(dynamicTest(c.id(), () -> {
                if (holder[0] == null) {
                    holder[0] = provider.create();
                }
                Backend b = holder[0];
                long base = b.liveBytes();
                try (Scope ignored = Scope.open()) {
                    c.body().accept(b);
                }
                assertEquals(base, b.liveBytes(), c.id() + " leaked device memory");
                checked.add(c.id());
            }));
        }
        tests.add(dynamicTest("coverage: every SPI case checked", () -> {
            try {
                SortedSet<String> required = SpiCatalog.requiredCases();
                SortedSet<String> missing = new TreeSet<>(required);
                missing.removeAll(checked);
                SortedSet<String> extra = new TreeSet<>(checked);
                extra.removeAll(required);
                assertTrue(extra.isEmpty(), "cases checked that the SPI does not enumerate: " + extra);
                assertTrue(missing.isEmpty(), "SPI cases not checked (failed above, or no test exists): " + missing);
                assertEquals(required.size(), checked.size(), "number of op cases checked on " + provider.name());
                System.out.println("contract suite on " + provider.name() + ": " + checked.size() + " of "
                        + required.size() + " SPI cases checked");
            } finally {
                if (holder[0] != null) {
                    holder[0].close();
                }
            }
        }));
        return tests.stream();
    }

    /** Empty when a CUDA backend is registered and available here, else why not. */
    static Optional<String> cudaUnavailableReason() {
        Optional<BackendProvider> cuda = Backends.providers().stream().filter(p -> p.name().equals("cuda")).findFirst();
        if (cuda.isEmpty()) {
            return Optional.of("no 'cuda' BackendProvider on the class path");
        }
        Availability a = cuda.get().availability();
        return a.available() ? Optional.empty() : Optional.of(a.reason());
    }

    /**
     * CUDA against CPU on the same inputs (the contract suite checks each against the reference; this
     * checks them against each other, bit for bit where the SPI demands it). Skipped without a GPU.
     */
    @Test
    void cudaMatchesCpu(@UseBackend("cuda") Backend cuda, @UseBackend("cpu") Backend cpu) {
        try (Scope ignored = Scope.open()) {
            Random r = new Random(7);
            float[] a = ContractCases.normal(r, 129 * 257, 1);
            float[] b = ContractCases.normal(r, 257 * 7, 1);
            float[] onCpu = gemmOn(cpu, a, b);
            float[] onCuda = gemmOn(cuda, a, b);
            double[] widened = Approx.widen(onCpu);
            double[] abs = Reference.gemm(false, false, 129, 7, 257, 1, a, b, 0, new float[129 * 7], true);
            Approx.assertWithin("gemm cuda vs cpu", widened, onCuda, ContractCases.sumBound(abs, 2 * 257, 1e-30));
            Tensor maskCpu = Tensor.empty(cpu, 313, 321);
            Tensor maskCuda = Tensor.empty(cuda, 313, 321);
            cpu.dropoutMask(99, 3, (1L << 32) + 9, 0.7f, maskCpu);
            cuda.dropoutMask(99, 3, (1L << 32) + 9, 0.7f, maskCuda);
            Approx.assertExact("dropout mask cuda vs cpu", maskCpu.toArray(), maskCuda.toArray());
        }
    }

    private static float[] gemmOn(Backend backend, float[] a, float[] b) {
        Tensor c = Tensor.empty(backend, 129, 7);
        backend.gemm(false, false, 1f, Tensor.of(backend, a, 129, 257), Tensor.of(backend, b, 257, 7), 0f, c);
        return c.toArray();
    }
}
