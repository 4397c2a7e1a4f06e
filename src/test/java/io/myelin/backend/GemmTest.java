package io.myelin.backend;

import io.myelin.backend.cpu.CpuBackend;
import io.myelin.backend.cpu.EjmlGemm;
import io.myelin.backend.cpu.Gemm;
import io.myelin.backend.cpu.GemmProviders;
import io.myelin.backend.cpu.NativeBlasGemm;
import io.myelin.backend.cpu.PureJavaGemm;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every CPU GEMM provider, and the backend's gemm on top of them, against the double reference: all four
 * transpose combinations, every (m, k, n) with dims in {1, 7, 129}, alpha = 1.5 with beta = -0.75, and
 * beta = 0 over a c full of NaN (BLAS: c is then not read). Also shapes that cross the pure-Java kernel's
 * block edges. Tolerance: the float dot-product bound {@code (k+2) 2^-24 (|alpha| sum|a||b| + |beta c|)}.
 */
@SuppressWarnings("try") // scopes are opened for their effect (owning tensors), not referenced
class GemmTest {
    private static final int[] DIMS = {1, 7, 129};

    private static Gemm provider(String name) {
        if (name.equals("native")) {
            String why = GemmProviders.nativeUnavailableReason();
            Assumptions.assumeTrue(why == null, () -> "native BLAS not available: " + why);
            return NativeBlasGemm.load();
        }
        return name.equals("java") ? new PureJavaGemm() : new EjmlGemm();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"native", "java", "ejml"})
    void providerMatchesReference(String name) {
        Gemm g = provider(name);
        Random r = new Random(21);
        int combo = 0;
        for (int m : DIMS) {
            for (int k : DIMS) {
                for (int n : DIMS) {
                    for (int tr = 0; tr < 4; tr++) {
                        checkProvider(g, r, m, k, n, (tr & 1) != 0, (tr & 2) != 0, combo++ % 2 == 0);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"native", "java", "ejml"})
    void providerHandlesBlockEdges(String name) {
        Gemm g = provider(name);
        Random r = new Random(22);
        // 261 > KB = 256 and 515 > NB = 512 of the pure-Java kernel; 67 rows split unevenly across threads.
        for (int tr = 0; tr < 4; tr++) {
            checkProvider(g, r, 67, 261, 515, (tr & 1) != 0, (tr & 2) != 0, tr % 2 == 0);
        }
    }

    private static void checkProvider(Gemm g, Random r, int m, int k, int n, boolean ta, boolean tb, boolean betaZero) {
        float alpha = 1.5f;
        float beta = betaZero ? 0f : -0.75f;
        float[] a = ContractCases.normal(r, m * k, 1);
        float[] b = ContractCases.normal(r, k * n, 1);
        float[] c0 = betaZero ? new float[m * n] : ContractCases.normal(r, m * n, 1);
        float[] c = c0.clone();
        if (betaZero) {
            Arrays.fill(c, Float.NaN);
        }
        g.sgemm(ta, tb, m, n, k, alpha, a, b, beta, c);
        double[] expected = Reference.gemm(ta, tb, m, n, k, alpha, a, b, beta, c0, false);
        double[] abs = Reference.gemm(ta, tb, m, n, k, alpha, a, b, beta, c0, true);
        Approx.assertWithin(g.name() + " m=" + m + " k=" + k + " n=" + n + " transA=" + ta + " transB=" + tb
                + " beta=" + beta, expected, c, ContractCases.sumBound(abs, k, 1e-30));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"native", "java", "ejml"})
    void backendGemmMatchesReferenceThroughEachProvider(String name) {
        Gemm g = provider(name);
        Random r = new Random(23);
        try (CpuBackend cpu = new CpuBackend(g); Scope ignored = Scope.open()) {
            for (int tr = 0; tr < 4; tr++) {
                boolean ta = (tr & 1) != 0;
                boolean tb = (tr & 2) != 0;
                int m = 129;
                int k = 7;
                int n = 33;
                float[] a = ContractCases.normal(r, m * k, 1);
                float[] b = ContractCases.normal(r, k * n, 1);
                float[] c0 = ContractCases.normal(r, m * n, 1);
                Tensor tc = Tensor.of(cpu, c0, m, n);
                cpu.gemm(ta, tb, 0.5f, ta ? Tensor.of(cpu, a, k, m) : Tensor.of(cpu, a, m, k),
                        tb ? Tensor.of(cpu, b, n, k) : Tensor.of(cpu, b, k, n), 2f, tc);
                double[] expected = Reference.gemm(ta, tb, m, n, k, 0.5, a, b, 2, c0, false);
                double[] abs = Reference.gemm(ta, tb, m, n, k, 0.5, a, b, 2, c0, true);
                Approx.assertWithin("backend gemm via " + name + " transA=" + ta + " transB=" + tb, expected,
                        tc.toArray(), ContractCases.sumBound(abs, k, 1e-30));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"native", "java", "ejml"})
    void aliasingCWithAOrBIsRejected(String name) {
        Gemm g = provider(name);
        float[] sq = new float[49];
        float[] other = new float[49];
        assertThrows(IllegalArgumentException.class, () -> g.sgemm(false, false, 7, 7, 7, 1f, sq, other, 0f, sq));
        assertThrows(IllegalArgumentException.class, () -> g.sgemm(false, true, 7, 7, 7, 1f, other, sq, 1f, sq));
        assertThrows(IllegalArgumentException.class, () -> g.sgemm(false, false, 7, 7, 8, 1f, sq, other, 0f, new float[49]),
                "k = 8 needs 56 floats in a");
        try (CpuBackend cpu = new CpuBackend(g); Scope ignored = Scope.open()) {
            Tensor a = Tensor.zeros(cpu, 7, 7);
            Tensor b = Tensor.zeros(cpu, 7, 7);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cpu.gemm(false, false, 1f, a, b, 0f, a));
            assertTrue(e.getMessage().contains("gemm") && e.getMessage().contains("(7, 7)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> cpu.gemm(true, false, 1f, b, a, 0f, a));
        }
    }

    @Test
    void systemPropertyForcesTheProvider() {
        String saved = System.getProperty(GemmProviders.PROPERTY);
        try {
            for (String name : new String[] {"java", "ejml"}) {
                System.setProperty(GemmProviders.PROPERTY, name);
                try (CpuBackend cpu = new CpuBackend()) {
                    assertEquals(name, cpu.gemmProvider().name());
                    assertTrue(cpu.description().contains("gemm=" + name), cpu.description());
                }
            }
            System.setProperty(GemmProviders.PROPERTY, "cublas");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, CpuBackend::new);
            assertTrue(e.getMessage().contains("native, java or ejml"), e.getMessage());
            System.setProperty(GemmProviders.PROPERTY, "native");
            String why = GemmProviders.nativeUnavailableReason();
            if (why == null) {
                try (CpuBackend cpu = new CpuBackend()) {
                    assertEquals("native", cpu.gemmProvider().name());
                }
            } else {
                IllegalArgumentException n = assertThrows(IllegalArgumentException.class, CpuBackend::new);
                assertTrue(n.getMessage().contains(why), n.getMessage());
            }
        } finally {
            if (saved == null) {
                System.clearProperty(GemmProviders.PROPERTY);
            } else {
                System.setProperty(GemmProviders.PROPERTY, saved);
            }
        }
    }

    @Test
    void defaultIsNativeWhenItLoadsElsePureJava() {
        Assumptions.assumeTrue(System.getProperty(GemmProviders.PROPERTY) == null, "myelin.cpu.gemm is set");
        String expected = GemmProviders.nativeUnavailableReason() == null ? "native" : "java";
        assertEquals(expected, GemmProviders.select().name());
        if (expected.equals("native")) {
            // On this project's machines (Debian + libopenblas0-pthread) netlib must find OpenBLAS by itself.
            assertTrue(NativeBlasGemm.load().description().toLowerCase().contains("blas"),
                    NativeBlasGemm.load().description());
        } else {
            System.out.println("native BLAS not available: " + GemmProviders.nativeUnavailableReason());
        }
    }
}
