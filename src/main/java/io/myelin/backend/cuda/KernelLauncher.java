package io.myelin.backend.cuda;

import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads the kernel fatbins from the class path (one module per {@code kernels/<module>.cu}), looks up
 * every function of {@link KernelCatalog} once, and launches them on the backend's stream with the
 * three launch shapes documented in {@code kernels/common.cuh}.
 *
 * <pre>{@code
 * launcher.elementwise(KernelCatalog.unary(UnaryOp.EXP), n, new KernelArgs().ptr(src).ptr(dst).i(n).f(0).f(0));
 * }</pre>
 */
final class KernelLauncher implements AutoCloseable {
    static final int BLOCK = 256;
    static final int WARPS_PER_BLOCK = BLOCK / 32;
    static final int COL_TILE = 32;
    static final int COL_LANES = 16;
    private static final long MAX_GRID = 1L << 20;

    private final CUstream stream;
    private final Map<String, CUmodule> modules = new LinkedHashMap<>();
    private final Map<Kernel, CUfunction> functions = new HashMap<>();

    /** Loads every module and function; the current thread must have the context current. */
    KernelLauncher(CUstream stream) {
        this.stream = stream;
        try {
            for (String module : KernelCatalog.MODULES) {
                CUmodule m = new CUmodule();
                JCudaDriver.cuModuleLoadData(m, readFatbin(module));
                modules.put(module, m);
            }
            for (Kernel k : KernelCatalog.all()) {
                CUfunction f = new CUfunction();
                try {
                    JCudaDriver.cuModuleGetFunction(f, modules.get(k.module()), k.name());
                } catch (RuntimeException e) {
                    throw new IllegalStateException("kernel " + k + " not found in " + KernelCatalog.resource(k.module())
                            + ": " + e.getMessage(), e);
                }
                functions.put(k, f);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The fatbin bytes of a module from the class path. */
    static byte[] readFatbin(String module) {
        String resource = KernelCatalog.resource(module);
        try (InputStream in = KernelLauncher.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("CUDA kernels " + resource + " are not on the class path "
                        + "(the jar was built without nvcc)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** One thread per element (grid-stride): block 256, grid min(ceil(n/256), 2^20). */
    void elementwise(Kernel k, long n, KernelArgs args) {
        long grid = Math.min((n + BLOCK - 1) / BLOCK, MAX_GRID);
        launch(k, (int) Math.max(grid, 1), 1, BLOCK, 1, args);
    }

    /** One warp per row: block 256 (8 rows), grid ceil(rows/8). */
    void rows(Kernel k, int rows, KernelArgs args) {
        launch(k, (rows + WARPS_PER_BLOCK - 1) / WARPS_PER_BLOCK, 1, BLOCK, 1, args);
    }

    /** One block per 32 columns: block (32, 16), grid ceil(cols/32). */
    void columns(Kernel k, int cols, KernelArgs args) {
        launch(k, (cols + COL_TILE - 1) / COL_TILE, 1, COL_TILE, COL_LANES, args);
    }

    /** {@code blocks} blocks of 256 threads, one per output (per-filter reductions). */
    void blocks(Kernel k, int blocks, KernelArgs args) {
        launch(k, blocks, 1, BLOCK, 1, args);
    }

    private void launch(Kernel k, int gridX, int gridY, int blockX, int blockY, KernelArgs args) {
        CUfunction f = functions.get(k);
        if (f == null) {
            throw new IllegalStateException("kernel " + k + " is not in KernelCatalog.all()");
        }
        JCudaDriver.cuLaunchKernel(f, gridX, gridY, 1, blockX, blockY, 1, 0, stream, args.toPointer(), null);
    }

    @Override
    public void close() {
        for (CUmodule m : modules.values()) {
            JCudaDriver.cuModuleUnload(m);
        }
        modules.clear();
        functions.clear();
    }
}
