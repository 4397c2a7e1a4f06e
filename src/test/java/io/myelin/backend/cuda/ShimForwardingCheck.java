package io.myelin.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUstream;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Random;

/**
 * Run by {@link CublasShimTest} in a separate JVM (JCublas2 binds to the fake cuBLAS for good):
 * loads a fake libcublas.so.13 through {@link CublasLoader}'s CUDA 13 path (library, then the shim), drives
 * {@link Cublas} as the backend does, and checks row-major SGEMM for all four transpose combinations
 * against a plain Java product. Prints what it saw; exits 1 on a wrong result.
 *
 * <pre>{@code
 * java --add-opens java.base/java.nio=ALL-UNNAMED -cp ... io.myelin.backend.cuda.ShimForwardingCheck /tmp/x/libcublas.so.13
 * }</pre>
 */
public final class ShimForwardingCheck {
    private ShimForwardingCheck() {
    }

    public static void main(String[] args) {
        CublasLoader.Plan plan = new CublasLoader.Plan(CublasLoader.Mode.CUDA13_SHIM, Path.of(args[0]), "fake cuBLAS 13");
        boolean ok = true;
        try (Cublas blas = Cublas.create(new CUstream(), plan)) {
            System.out.println("description: " + blas.description());
            Random random = new Random(7);
            int m = 3;
            int n = 4;
            int k = 5;
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = randoms(random, m * k);
                    float[] b = randoms(random, k * n);
                    float[] c = randoms(random, m * n);
                    float[] expected = reference(ta, tb, m, n, k, 1.5f, a, b, 0.5f, c);
                    FloatBuffer da = direct(a);
                    FloatBuffer db = direct(b);
                    FloatBuffer dc = direct(c);
                    blas.sgemm(ta, tb, m, n, k, 1.5f, address(da), ta ? m : k, address(db), tb ? k : n, 0.5f,
                            address(dc));
                    double maxErr = 0;
                    for (int i = 0; i < m * n; i++) {
                        maxErr = Math.max(maxErr, Math.abs(dc.get(i) - expected[i]));
                    }
                    boolean good = maxErr < 1e-4;
                    ok &= good;
                    System.out.println("gemm transA=" + ta + " transB=" + tb + " maxErr=" + maxErr + (good ? " ok" : " WRONG"));
                }
            }
        }
        System.out.println(ok ? "ALL OK" : "FAILED");
        System.exit(ok ? 0 : 1);
    }

    private static float[] randoms(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    /**
     * A native pointer to a direct buffer's memory, standing in for a device pointer (JCublas2 passes
     * matrix pointers through as raw addresses; a buffer-backed jcuda.Pointer would arrive as null).
     * Needs {@code --add-opens java.base/java.nio=ALL-UNNAMED}.
     */
    private static Pointer address(FloatBuffer buffer) {
        try {
            Field f = Buffer.class.getDeclaredField("address");
            f.setAccessible(true);
            return new RawAddress(f.getLong(buffer));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read a direct buffer's address", e);
        }
    }

    /** jcuda.Pointer's address constructor is protected. */
    private static final class RawAddress extends Pointer {
        RawAddress(long address) {
            super(address);
        }
    }

    private static FloatBuffer direct(float[] v) {
        FloatBuffer fb = ByteBuffer.allocateDirect(v.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        fb.put(v).rewind();
        return fb;
    }

    /** Row-major c = alpha*op(a)*op(b) + beta*c with a (m,k) or (k,m), b (k,n) or (n,k). */
    static float[] reference(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, float[] b,
                             float beta, float[] c) {
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int l = 0; l < k; l++) {
                    float av = ta ? a[l * m + i] : a[i * k + l];
                    float bv = tb ? b[j * k + l] : b[l * n + j];
                    acc += (double) av * bv;
                }
                out[i * n + j] = (float) (alpha * acc + beta * c[i * n + j]);
            }
        }
        return out;
    }
}
