package io.myelin.backend.cpu;

import io.myelin.backend.ConvGeometry;

/**
 * Max and average pooling over channels-first images, rows {@code [lo, hi)} of the batch. Windows are
 * clipped to the image (padding never wins a max and is not counted in a mean). Max pooling records the
 * position {@code h*W + w} of the first maximum in row-major window order; NaN wins over any number.
 */
final class PoolKernels {
    private PoolKernels() {
    }

    static void maxForward(ConvGeometry g, float[] x, float[] y, float[] argmax, int lo, int hi) {
        int inPlane = g.inputPlane();
        int outPlane = g.outputPlane();
        int w = g.width();
        for (int plane = lo * g.channels(); plane < hi * g.channels(); plane++) {
            int xo = plane * inPlane;
            int yo = plane * outPlane;
            for (int r = 0; r < g.outHeight(); r++) {
                int h0 = Math.max(0, r * g.strideH() - g.padTop());
                int h1 = Math.min(g.height(), r * g.strideH() - g.padTop() + g.kernelH());
                for (int q = 0; q < g.outWidth(); q++) {
                    int w0 = Math.max(0, q * g.strideW() - g.padLeft());
                    int w1 = Math.min(w, q * g.strideW() - g.padLeft() + g.kernelW());
                    // The maximum first (Math.max propagates NaN), then the first element equal to it (or
                    // the first NaN): the same value and index as a scan keeping the first strict maximum,
                    // -0.0 and 0.0 included; the first pass has no data-dependent branch.
                    float m = x[xo + h0 * w + w0];
                    for (int ih = h0; ih < h1; ih++) {
                        int row = xo + ih * w;
                        for (int iw = w0; iw < w1; iw++) {
                            m = Math.max(m, x[row + iw]);
                        }
                    }
                    int best = first(x, xo, w, h0, h1, w0, w1, m);
                    float bv = x[xo + best];
                    y[yo + r * g.outWidth() + q] = bv;
                    if (argmax != null) {
                        argmax[yo + r * g.outWidth() + q] = best;
                    }
                }
            }
        }
    }

    /** Position {@code h*W + w} of the first element of the window equal to m (the first NaN when m is NaN). */
    private static int first(float[] x, int xo, int w, int h0, int h1, int w0, int w1, float m) {
        boolean nan = m != m;
        for (int ih = h0; ih < h1; ih++) {
            int row = xo + ih * w;
            for (int iw = w0; iw < w1; iw++) {
                float v = x[row + iw];
                if (v == m || (nan && v != v)) {
                    return ih * w + iw;
                }
            }
        }
        return h0 * w + w0;   // not reached: m is one of the elements
    }

    static void maxBackward(ConvGeometry g, float[] dy, float[] argmax, float[] dx, int lo, int hi) {
        int inPlane = g.inputPlane();
        int outPlane = g.outputPlane();
        java.util.Arrays.fill(dx, lo * g.inputSize(), hi * g.inputSize(), 0f);
        for (int plane = lo * g.channels(); plane < hi * g.channels(); plane++) {
            int xo = plane * inPlane;
            int yo = plane * outPlane;
            for (int p = 0; p < outPlane; p++) {
                dx[xo + (int) argmax[yo + p]] += dy[yo + p];
            }
        }
    }

    static void avgForward(ConvGeometry g, float[] x, float[] y, int lo, int hi) {
        int inPlane = g.inputPlane();
        int outPlane = g.outputPlane();
        int w = g.width();
        for (int plane = lo * g.channels(); plane < hi * g.channels(); plane++) {
            int xo = plane * inPlane;
            int yo = plane * outPlane;
            for (int r = 0; r < g.outHeight(); r++) {
                int h0 = Math.max(0, r * g.strideH() - g.padTop());
                int h1 = Math.min(g.height(), r * g.strideH() - g.padTop() + g.kernelH());
                for (int q = 0; q < g.outWidth(); q++) {
                    int w0 = Math.max(0, q * g.strideW() - g.padLeft());
                    int w1 = Math.min(w, q * g.strideW() - g.padLeft() + g.kernelW());
                    float s = 0f;
                    for (int ih = h0; ih < h1; ih++) {
                        for (int iw = w0; iw < w1; iw++) {
                            s += x[xo + ih * w + iw];
                        }
                    }
                    y[yo + r * g.outWidth() + q] = s / ((h1 - h0) * (w1 - w0));
                }
            }
        }
    }

    static void avgBackward(ConvGeometry g, float[] dy, float[] dx, int lo, int hi) {
        int inPlane = g.inputPlane();
        int outPlane = g.outputPlane();
        int w = g.width();
        java.util.Arrays.fill(dx, lo * g.inputSize(), hi * g.inputSize(), 0f);
        for (int plane = lo * g.channels(); plane < hi * g.channels(); plane++) {
            int xo = plane * inPlane;
            int yo = plane * outPlane;
            for (int r = 0; r < g.outHeight(); r++) {
                int h0 = Math.max(0, r * g.strideH() - g.padTop());
                int h1 = Math.min(g.height(), r * g.strideH() - g.padTop() + g.kernelH());
                for (int q = 0; q < g.outWidth(); q++) {
                    int w0 = Math.max(0, q * g.strideW() - g.padLeft());
                    int w1 = Math.min(w, q * g.strideW() - g.padLeft() + g.kernelW());
                    float d = dy[yo + r * g.outWidth() + q] / ((h1 - h0) * (w1 - w0));
                    for (int ih = h0; ih < h1; ih++) {
                        for (int iw = w0; iw < w1; iw++) {
                            dx[xo + ih * w + iw] += d;
                        }
                    }
                }
            }
        }
    }

    /** Matrices {@code [lo, hi)} of x, each (rows, cols), transposed into out. */
    static void transpose(float[] x, int rows, int cols, float[] out, int lo, int hi) {
        int plane = rows * cols;
        for (int m = lo; m < hi; m++) {
            int base = m * plane;
            for (int i = 0; i < rows; i++) {
                int src = base + i * cols;
                for (int j = 0; j < cols; j++) {
                    out[base + j * rows + i] = x[src + j];
                }
            }
        }
    }
}
