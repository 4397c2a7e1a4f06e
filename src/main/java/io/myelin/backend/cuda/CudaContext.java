package io.myelin.backend.cuda;

import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

import java.nio.charset.StandardCharsets;

/**
 * Device 0's primary context and the one stream all of the backend's work runs on. Any thread may use
 * the backend: {@link #makeCurrent()} binds the context to the calling thread the first time that thread
 * arrives (a thread-local flag keeps the check cheap afterwards).
 *
 * <pre>{@code
 * try (CudaContext ctx = CudaContext.open(0)) { ctx.makeCurrent(); ... ctx.synchronize(); }
 * }</pre>
 */
final class CudaContext implements AutoCloseable {
    private final CUdevice device;
    private final CUcontext context;
    private final CUstream stream;
    private final ThreadLocal<Boolean> bound = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private boolean closed;

    private CudaContext(CUdevice device, CUcontext context, CUstream stream) {
        this.device = device;
        this.context = context;
        this.stream = stream;
    }

    /** Initialises the driver, retains the primary context of device {@code ordinal} and creates the stream. */
    static CudaContext open(int ordinal) {
        JCudaDriver.setExceptionsEnabled(true);
        JCudaDriver.cuInit(0);
        CUdevice device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, ordinal);
        CUcontext context = new CUcontext();
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        try {
            JCudaDriver.cuCtxSetCurrent(context);
            CUstream stream = new CUstream();
            // non-blocking: never serialised against the legacy default stream, which nothing here uses
            JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
            CudaContext c = new CudaContext(device, context, stream);
            c.bound.set(Boolean.TRUE);
            return c;
        } catch (RuntimeException e) {
            JCudaDriver.cuDevicePrimaryCtxRelease(device);
            throw e;
        }
    }

    /** Makes the context current on the calling thread (once per thread). */
    void makeCurrent() {
        if (!bound.get()) {
            JCudaDriver.cuCtxSetCurrent(context);
            bound.set(Boolean.TRUE);
        }
    }

    CUstream stream() {
        return stream;
    }

    /** Waits until all work queued on the stream is done. */
    void synchronize() {
        makeCurrent();
        JCudaDriver.cuStreamSynchronize(stream);
    }

    /** "NVIDIA H100 80GB HBM3 (sm_90, 79.1 GiB, driver 13.0)". */
    String describeDevice() {
        byte[] name = new byte[256];
        JCudaDriver.cuDeviceGetName(name, name.length, device);
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        int[] major = new int[1];
        int[] minor = new int[1];
        JCudaDriver.cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        JCudaDriver.cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        long[] bytes = new long[1];
        JCudaDriver.cuDeviceTotalMem(bytes, device);
        int[] driver = new int[1];
        JCudaDriver.cuDriverGetVersion(driver);
        return String.format("%s (sm_%d%d, %.1f GiB, driver API %d.%d)",
                new String(name, 0, len, StandardCharsets.UTF_8), major[0], minor[0], bytes[0] / (double) (1L << 30),
                driver[0] / 1000, driver[0] % 1000 / 10);
    }

    /** Waits for the stream, destroys it and releases the primary context. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            makeCurrent();
            JCudaDriver.cuStreamSynchronize(stream);
            JCudaDriver.cuStreamDestroy(stream);
        } finally {
            JCudaDriver.cuDevicePrimaryCtxRelease(device);
        }
    }
}
