package io.myelin.backend.cuda;

import io.myelin.backend.Backend;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.ConvGeometry;
import io.myelin.backend.ReduceOp;
import io.myelin.backend.UnaryOp;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;
import io.myelin.testing.UseBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CUDA kernels at the edges of their launch shapes ({@link KernelLauncher}, {@code kernels/common.cuh}): sizes
 * one below, at and one above a block of {@value KernelLauncher#BLOCK} threads, the {@value
 * KernelLauncher#WARPS_PER_BLOCK} rows of a row-wise block, a warp's and a column tile's 32 columns and the
 * {@value KernelLauncher#COL_LANES} row lanes of a column-wise block. Inputs are small integers, so every result
 * (sums included, in any order) is exact and CUDA must equal the CPU backend bit for bit; no reference is written
 * here. What each op computes is the contract suite's ({@code BackendContractTest}, on every backend, the CUDA
 * emulator included); this test is about the threads that compute it.
 */
class CudaOpsTest {
    @UseBackend("cuda")
    private static CudaBackend cuda;
    @UseBackend("cpu")
    private static Backend cpu;
    private Scope scope;

    @BeforeEach
    void openScope() {
        scope = Scope.open();
    }

    @AfterEach
    void closeScope() {
        if (scope != null) {   // null where the test was skipped for want of a CUDA backend
            scope.close();
            assertEquals(0, cuda.liveBytes(), "a test leaked device memory");
        }
    }

    /** Element counts around one, two and many blocks of 256 threads. */
    static IntStream elementCounts() {
        return IntStream.of(1, 255, 256, 257, 511, 513, 65_537);
    }

    /** (rows, cols) around 8 rows per row-wise block and a 32-lane warp per row. */
    static Stream<Arguments> rowShapes() {
        return grid(new int[] {1, 7, 8, 9, 17}, new int[] {1, 31, 32, 33, 65});
    }

    /** (rows, cols) around the 16 row lanes and the 32-column tile of a column-wise block. */
    static Stream<Arguments> columnShapes() {
        return grid(new int[] {1, 15, 16, 17, 33}, new int[] {1, 31, 32, 33, 65});
    }

    private static Stream<Arguments> grid(int[] rows, int[] cols) {
        List<Arguments> out = new ArrayList<>();
        for (int r : rows) {
            for (int c : cols) {
                out.add(Arguments.of(r, c));
            }
        }
        return out.stream();
    }

    /** Integers in [-4, 4], seeded by the shape: exact in float, and sums of them too. */
    private static float[] integers(int n, int seed) {
        Random r = new Random(31L * n + seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(9) - 4;
        }
        return v;
    }

    /** The same call on both backends, outputs compared bit for bit. */
    private static void same(String what, float[][] inputs, int[][] shapes, int[] shape,
                             BiFunction<Backend, Tensor[], Tensor> op) {
        float[] expected = run(cpu, inputs, shapes, op);
        float[] actual = run(cuda, inputs, shapes, op);
        assertArrayEquals(expected, actual, what + " on (" + shape[0] + ", " + shape[1] + "): cuda must equal cpu");
    }

    private static float[] run(Backend b, float[][] inputs, int[][] shapes, BiFunction<Backend, Tensor[], Tensor> op) {
        Tensor[] in = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            in[i] = Tensor.of(b, inputs[i], shapes[i][0], shapes[i][1]);
        }
        return op.apply(b, in).toArray();
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("elementCounts")
    void elementwiseKernelsCoverEveryElement(int n) {
        float[] x = integers(n, 1);
        float[] y = integers(n, 2);
        int[][] flat = {{1, n}, {1, n}};
        int[] shape = {1, n};
        same("binary ADD", new float[][] {x, y}, flat, shape, (b, t) -> {
            Tensor out = Tensor.empty(b, 1, n);
            b.binary(BinaryOp.ADD, t[0], t[1], out);
            return out;
        });
        same("unary ABS", new float[][] {x}, flat, shape, (b, t) -> {
            Tensor out = Tensor.empty(b, 1, n);
            b.unary(UnaryOp.ABS, 0f, 0f, t[0], out);
            return out;
        });
        float[] idx = new float[n];
        for (int i = 0; i < n; i++) {
            idx[i] = n - 1 - i;   // every row once, the last first
        }
        same("gatherRows", new float[][] {x, idx}, new int[][] {{n, 1}, {n, 1}}, shape, (b, t) -> {
            Tensor out = Tensor.empty(b, n, 1);
            b.gatherRows(t[0], t[1], out);
            return out;
        });
        same("dropoutMask", new float[0][], new int[0][], shape, (b, t) -> {
            Tensor mask = Tensor.full(b, Float.NaN, 1, n);
            b.dropoutMask(7, 3, 11, 0.5f, mask);
            return mask;
        });
    }

    @ParameterizedTest(name = "({0}, {1})")
    @MethodSource("rowShapes")
    void rowKernelsCoverEveryRowAndColumn(int rows, int cols) {
        float[] x = integers(rows * cols, 3);
        for (ReduceOp op : ReduceOp.values()) {
            same("reduce " + op + " axis 1", new float[][] {x}, new int[][] {{rows, cols}}, new int[] {rows, cols},
                    (b, t) -> {
                        Tensor out = Tensor.empty(b, rows, 1);
                        b.reduce(op, 1, t[0], out);
                        return out;
                    });
        }
    }

    @ParameterizedTest(name = "({0}, {1})")
    @MethodSource("columnShapes")
    void columnKernelsCoverEveryRowAndColumn(int rows, int cols) {
        float[] x = integers(rows * cols, 4);
        int[] shape = {rows, cols};
        for (ReduceOp op : ReduceOp.values()) {
            same("reduce " + op + " axis 0", new float[][] {x}, new int[][] {{rows, cols}}, shape, (b, t) -> {
                Tensor out = Tensor.empty(b, 1, cols);
                b.reduce(op, 0, t[0], out);
                return out;
            });
        }
        float[] dy = integers(rows * cols, 5);
        float[] alpha = new float[cols];
        Arrays.fill(alpha, 0.5f);
        same("preluBackward dalpha", new float[][] {x, alpha, dy}, new int[][] {{rows, cols}, {1, cols}, {rows, cols}},
                shape, (b, t) -> {
                    Tensor dalpha = Tensor.empty(b, 1, cols);
                    b.preluBackward(t[0], t[1], t[2], Tensor.empty(b, rows, cols), dalpha, false);
                    return dalpha;
                });
    }

    /** Per-filter sums (one block of 256 threads per filter) over n * H * W values around a block. */
    @ParameterizedTest(name = "n*H*W={0}")
    @MethodSource("elementCounts")
    void blockKernelsSumEveryPosition(int positions) {
        int filters = 3;
        ConvGeometry g = ConvGeometry.of(1, 1, positions, 1, 1, 1, 1, false);   // 1x1 conv over a 1 x positions image
        float[] x = integers(positions, 6);
        float[] w = integers(filters, 7);
        float[] dy = integers(filters * positions, 8);
        same("conv2dBackward dbias", new float[][] {x, w, dy},
                new int[][] {{1, positions}, {filters, 1}, {1, filters * positions}}, new int[] {1, positions},
                (b, t) -> {
                    Tensor dbias = Tensor.empty(b, 1, filters);
                    b.conv2dBackward(g, t[0], t[1], t[2], null, null, dbias, false);
                    return dbias;
                });
    }
}
