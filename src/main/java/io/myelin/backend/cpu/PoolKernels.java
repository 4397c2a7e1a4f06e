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
        if (pairWindows(g)) {
            maxForwardPairs(g, x, y, argmax, lo, hi);
        } else {
            maxForwardGeneral(g, x, y, argmax, lo, hi);
        }
    }

    /**
     * Whether every window is 2x2 at stride 2 and lies inside the image (no padding; an odd last row or column
     * is in no window): the common pooling, which {@link #maxForwardPairs} does without the general loops.
     */
    static boolean pairWindows(ConvGeometry g) {
        return g.kernelH() == 2 && g.kernelW() == 2 && g.strideH() == 2 && g.strideW() == 2
                && g.padTop() == 0 && g.padLeft() == 0
                && 2 * g.outHeight() <= g.height() && 2 * g.outWidth() <= g.width();
    }

    /**
     * Max pooling over 2x2 windows at stride 2 inside the image, one output row per {@link #maxPairsRow}.
     * Same bits as {@link #maxForwardGeneral}: see {@link #later}.
     */
    static void maxForwardPairs(ConvGeometry g, float[] x, float[] y, float[] argmax, int lo, int hi) {
        int inPlane = g.inputPlane();
        int outPlane = g.outputPlane();
        int w = g.width();
        int ow = g.outWidth();
        for (int plane = lo * g.channels(); plane < hi * g.channels(); plane++) {
            int xo = plane * inPlane;
            int yo = plane * outPlane;
            for (int r = 0; r < g.outHeight(); r++) {
                int pos = 2 * r * w;
                if (argmax == null) {
                    maxPairsRow(x, xo + pos, w, y, yo + r * ow, ow);
                } else {
                    maxPairsRow(x, xo + pos, w, y, argmax, yo + r * ow, ow, pos);
                }
            }
        }
    }

    /**
     * Output row {@code y[out, out+ow)} of the 2x2 windows whose top-left corners are x[top + 2q]; the
     * argmax of window q is {@code pos + 2q} plus the offset k of its winner (0, 1, w or w+1). Each window is
     * a tournament in row-major order, (a b) and (c d) then the two winners, a later element winning only
     * when {@link #later} says so. The winner is picked by its offset and loaded again, so y gets its exact
     * bits and the selections are integer ones (conditional moves, not branches on random data).
     */
    private static void maxPairsRow(float[] x, int top, int w, float[] y, float[] argmax, int out, int ow, int pos) {
        for (int q = 0; q < ow; q++) {
            int i = top + 2 * q;
            int k = winner(x, i, w);
            y[out + q] = x[i + k];
            argmax[out + q] = pos + 2 * q + k;
        }
    }

    /** {@link #maxPairsRow} without the argmax. */
    private static void maxPairsRow(float[] x, int top, int w, float[] y, int out, int ow) {
        for (int q = 0; q < ow; q++) {
            int i = top + 2 * q;
            y[out + q] = x[i + winner(x, i, w)];
        }
    }

    /** Offset (0, 1, w or w+1) of the first maximum of the 2x2 window whose top-left corner is x[i]. */
    private static int winner(float[] x, int i, int w) {
        int ab = later(x[i + 1], x[i]) ? 1 : 0;
        int cd = later(x[i + w + 1], x[i + w]) ? w + 1 : w;
        return later(x[i + cd], x[i + ab]) ? cd : ab;
    }

    /**
     * Whether v, later in window order, replaces the maximum so far m: v is greater, or v is NaN and m is not.
     * The general path returns the first element equal to the window's Math.max, or the first NaN; in the
     * order "NaN above every number, -0.0 equal to 0.0" that is the first maximal element. A tournament in
     * which the earlier of two elements wins unless the later is strictly above it returns the first maximal
     * element too (each comparison keeps the earliest maximal element of the elements it has seen, and any
     * two elements compare), so value and argmax are the same bits; y is the winning element itself in both.
     * {@code &}, not {@code &&}: both comparisons are evaluated, so there is no branch to mispredict.
     */
    private static boolean later(float v, float m) {
        return m == m & !(v <= m);
    }

    /** Any geometry: each window clipped to the image, maximum then its first position. */
    static void maxForwardGeneral(ConvGeometry g, float[] x, float[] y, float[] argmax, int lo, int hi) {
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
