package io.myelin.backend.cpu;

import io.myelin.backend.Activation;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.ReduceOp;
import io.myelin.backend.Storage;
import io.myelin.backend.UnaryOp;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CPU-specific behaviour beyond the shared contract: the pool, the inline fast path, input validation. */
class CpuBackendTest {
    private CpuBackend cpu;
    private Scope scope;

    @BeforeEach
    void start() {
        cpu = new CpuBackend(new PureJavaGemm());
        scope = Scope.open();
    }

    @AfterEach
    void stop() {
        scope.close();
        cpu.close();
    }

    @Test
    void poolHandsBackTheSameArrayForTheSameLength() {
        Storage a = cpu.allocate(1000);
        float[] first = ((CpuStorage) a).data();
        cpu.release(a);
        Storage b = cpu.allocate(1000);
        assertSame(first, ((CpuStorage) b).data(), "steady state reuses the cached array");
        Storage c = cpu.allocate(1001);
        assertEquals(1001, c.length(), "lengths are exact, never rounded up");
        assertEquals(4L * 2001, cpu.liveBytes());
        cpu.release(b);
        cpu.release(c);
        assertEquals(0, cpu.liveBytes());
    }

    @Test
    void releasedStorageRefusesAccess() {
        Tensor t = Tensor.zeros(cpu, 3);
        Storage s = t.storage();
        float[] before = CpuBackend.data(t);
        assertEquals(3, before.length);
        t.close();
        assertThrows(IllegalStateException.class, () -> ((CpuStorage) s).data());
        assertThrows(IllegalStateException.class, () -> cpu.release(s));
    }

    @Test
    void closedBackendRefusesNewBuffers() {
        CpuBackend other = new CpuBackend(new PureJavaGemm());
        other.close();
        assertThrows(IllegalStateException.class, () -> other.allocate(4));
    }

    /** The brief's "no allocation in the hot path for small tensors", measured with the JVM's per-thread counter. */
    @Test
    void smallOpsAllocateNothing() {
        var mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) mx;
        Tensor x = Tensor.full(cpu, 0.5f, 32, 33);
        Tensor y = Tensor.empty(cpu, 32, 33);
        Tensor row = Tensor.full(cpu, 2f, 1, 33);
        Tensor w = Tensor.full(cpu, 0.1f, 33, 8);
        Tensor h = Tensor.empty(cpu, 32, 8);
        Tensor sums = Tensor.empty(cpu, 1, 33);
        Runnable step = () -> {
            cpu.unary(UnaryOp.AFFINE, 2f, 1f, x, y);
            cpu.binary(BinaryOp.ADD, y, row, y);
            cpu.activationForward(Activation.GELU, 0f, y, y);
            cpu.activationBackward(Activation.TANH, 0f, x, y, x, y);
            cpu.reduce(ReduceOp.SUM, 0, y, sums);
            cpu.gemm(false, false, 1f, x, w, 0f, h);
        };
        for (int i = 0; i < 20_000; i++) {
            step.run();   // warm up: class loading, JIT, thread-local scratch
        }
        long t = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(t);
        for (int i = 0; i < 1000; i++) {
            step.run();
        }
        long allocated = threads.getThreadAllocatedBytes(t) - before;
        assertTrue(allocated < 4096, "1000 steps of six small ops allocated " + allocated + " bytes");
    }

    @Test
    void parallelAndInlinePathsAgree() {
        Random r = new Random(5);
        int rows = 400;
        int cols = 129;   // 51600 elements: above Parallel.GRAIN
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        Tensor big = Tensor.of(cpu, v, rows, cols);
        Tensor out = Tensor.empty(cpu, rows, cols);
        cpu.activationForward(Activation.SWISH, 1.1f, big, out);
        float[] whole = out.toArray();
        float[] piecewise = new float[v.length];
        for (int r0 = 0; r0 < rows; r0 += 7) {   // the same op on small (inline) slices
            int n = Math.min(7, rows - r0) * cols;
            float[] slice = new float[n];
            System.arraycopy(v, r0 * cols, slice, 0, n);
            Tensor s = Tensor.of(cpu, slice, n / cols, cols);
            Tensor so = Tensor.empty(cpu, n / cols, cols);
            cpu.activationForward(Activation.SWISH, 1.1f, s, so);
            System.arraycopy(so.toArray(), 0, piecewise, r0 * cols, n);
        }
        assertArrayEquals(piecewise, whole, "split across cores or not, results are bit-identical");
    }

    @Test
    void invalidLabelsAndIndicesAreNamed() {
        Tensor logits = Tensor.zeros(cpu, 3, 4);
        Tensor bad = Tensor.of(cpu, new float[] {0, 4, 1}, 3, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cpu.softmaxCrossEntropy(logits, bad, Tensor.empty(cpu, 3, 4), Tensor.empty(cpu, 3, 1)));
        assertTrue(e.getMessage().contains("label 4.0 in row 1") && e.getMessage().contains("[0, 4)"), e.getMessage());
        Tensor frac = Tensor.of(cpu, new float[] {0, 1.5f, 1}, 3, 1);
        assertThrows(IllegalArgumentException.class, () -> cpu.softmaxCrossEntropyBackward(logits, frac, 1f,
                Tensor.empty(cpu, 3, 4)));
        Tensor src = Tensor.zeros(cpu, 5, 2);
        IllegalArgumentException g = assertThrows(IllegalArgumentException.class,
                () -> cpu.gatherRows(src, Tensor.of(cpu, new float[] {5}, 1, 1), Tensor.empty(cpu, 1, 2)));
        assertTrue(g.getMessage().contains("index 5.0") && g.getMessage().contains("(5, 2)"), g.getMessage());
    }

    @Test
    void shapeErrorsNameTheOpAndTheShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cpu.binary(BinaryOp.MUL, Tensor.zeros(cpu, 4, 3), Tensor.zeros(cpu, 4, 2), Tensor.zeros(cpu, 4, 3)));
        assertTrue(e.getMessage().startsWith("binary MUL") && e.getMessage().contains("(4, 2)"), e.getMessage());
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                () -> cpu.reduce(ReduceOp.SUM, 2, Tensor.zeros(cpu, 4, 3), Tensor.zeros(cpu, 4, 1)));
        assertTrue(r.getMessage().contains("axis"), r.getMessage());
        IllegalArgumentException bn = assertThrows(IllegalArgumentException.class, () -> cpu.batchNormTrain(
                Tensor.zeros(cpu, 1, 3), Tensor.zeros(cpu, 1, 3), Tensor.zeros(cpu, 1, 3), 1e-3f, 0.9f, true,
                Tensor.zeros(cpu, 1, 3), Tensor.zeros(cpu, 1, 3), Tensor.zeros(cpu, 1, 3), Tensor.zeros(cpu, 1, 3),
                Tensor.zeros(cpu, 1, 3)));
        assertTrue(bn.getMessage().contains("at least 2 rows"), bn.getMessage());
    }

    @Test
    void descriptionNamesTheGemmProvider() {
        assertTrue(cpu.description().contains("gemm=java"), cpu.description());
        assertEquals("cpu", new CpuBackendProvider().name());
        assertEquals(0, new CpuBackendProvider().priority());
    }

    /** Native BLAS runs its own threads on every core, so our loops stay on the caller's thread then. */
    @Test
    void loopsAreSplitOnlyWhenTheGemmDoesNotUseEveryCore() {
        Gemm java = new PureJavaGemm();
        Gemm nativeNamed = new Gemm() {
            public String name() {
                return "native";
            }

            public String description() {
                return "stand-in";
            }

            public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, float[] b,
                              float beta, float[] c) {
                java.sgemm(ta, tb, m, n, k, alpha, a, b, beta, c);
            }
        };
        assertTrue(new CpuBackend(java).description().contains("loops split across cores"));
        assertTrue(new CpuBackend(nativeNamed).description().contains("loops on 1 thread"));
        String old = System.getProperty("myelin.cpu.split");
        try {
            System.setProperty("myelin.cpu.split", "always");
            assertTrue(new CpuBackend(nativeNamed).description().contains("loops split across cores"));
            System.setProperty("myelin.cpu.split", "never");
            assertTrue(new CpuBackend(java).description().contains("loops on 1 thread"));
            System.setProperty("myelin.cpu.split", "sometimes");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CpuBackend(java));
            assertTrue(e.getMessage().contains("myelin.cpu.split"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty("myelin.cpu.split");
            } else {
                System.setProperty("myelin.cpu.split", old);
            }
        }
    }

    /** -Dmyelin.cpu.simd: a value that is no mode is refused by name; the description says which loops run. */
    @Test
    void simdSettingIsCheckedAndDescribed() {
        String old = System.getProperty("myelin.cpu.simd");
        try {
            System.setProperty("myelin.cpu.simd", "sometimes");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, CpuBackend::new);
            assertTrue(e.getMessage().contains("-Dmyelin.cpu.simd must be auto, always or never, got 'sometimes'"),
                    e.getMessage());
            System.setProperty("myelin.cpu.simd", "never");   // accepted; on or off was fixed when Simd initialized
            try (CpuBackend b = new CpuBackend()) {
                assertTrue(b.description().contains(Simd.ENABLED ? "SIMD select loops" : "scalar select loops"),
                        b.description());
            }
        } finally {
            if (old == null) {
                System.clearProperty("myelin.cpu.simd");
            } else {
                System.setProperty("myelin.cpu.simd", old);
            }
        }
    }
}
