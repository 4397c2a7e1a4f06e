package io.myelin.backend.cpu;

import io.myelin.backend.ConvGeometry;

/**
 * The CPU convolution as im2col + GEMM over chunks of images (Caffe's and DL4J's CPU path). A chunk of
 * {@code nb} images is unfolded into one column matrix {@code cols (C*kh*kw, nb*OH*OW)}: row
 * {@code (c*kh + a)*kw + b}, column {@code img*OH*OW + p} holds the input pixel that kernel tap (c, a, b)
 * sees at output position p of image img (0 outside the image). Then
 * <pre>
 *   forward:          out (f, nb*P) = W (f, K) · cols (K, nb*P)            then scattered to (nb, f, P)
 *   filter gradient:  dW (f, K)    += dyT (f, nb*P) · cols^T             (dyT: dy gathered to (f, nb*P))
 *   input gradient:   dcols (K, nb*P) = W^T · dyT                          then folded back by col2im
 * </pre>
 * One GEMM per chunk keeps the GEMM large (n = nb*P columns) while the column buffer stays near
 * {@link #CHUNK_FLOATS} floats, small enough to stay in the cache between im2col and the GEMM that reads it.
 */
final class ConvKernels {
    /**
     * Target size of a chunk's column matrix in floats ({@code -Dmyelin.cpu.convChunkFloats}, default 2^18 =
     * 1 MiB); a chunk holds at least one image.
     */
    static final int CHUNK_FLOATS = Integer.getInteger("myelin.cpu.convChunkFloats", 1 << 18);

    private static final ThreadLocal<float[][]> WORK = ThreadLocal.withInitial(() -> new float[3][0]);

    private ConvKernels() {
    }

    /** Images per chunk for this geometry. */
    static int chunkImages(ConvGeometry g, int n) {
        long perImage = (long) g.patchSize() * g.outputPlane();
        return (int) Math.max(1, Math.min(n, CHUNK_FLOATS / Math.max(1, perImage)));
    }

    /** This thread's work array {@code slot} (0-2) with at least {@code n} floats, contents undefined. */
    static float[] work(int slot, long n) {
        float[][] w = WORK.get();
        if (w[slot].length < n) {
            w[slot] = new float[(int) Math.max(n, Math.min(Integer.MAX_VALUE - 8, 2L * w[slot].length))];
        }
        return w[slot];
    }

    /** Unfolds images {@code [i0, i0+nb)} of x into cols (K, nb*P). */
    static void im2col(ConvGeometry g, float[] x, int i0, int nb, float[] cols) {
        if (wholePlanes(g)) {
            im2colPlanes(g, x, i0, nb, cols);
        } else {
            im2colRows(g, x, i0, nb, cols);
        }
    }

    /**
     * Whether a tap's output rows and its input rows are both contiguous, {@code W} floats apart: stride 1 and
     * {@code OW == W} (a "same" stride-1 convolution with an odd kernel). Then {@link #im2colPlanes} copies
     * each tap's in-image rows as one block.
     */
    static boolean wholePlanes(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.outWidth() == g.width();
    }

    /**
     * {@link #im2colRows} for {@link #wholePlanes} geometries: per tap and image, one System.arraycopy of the
     * rows whose input row is in the image, then zeros in the entries outside the image. The block copy also
     * fills the left and right padding entries between its first and last row with neighbouring pixels;
     * those entries are zeroed right after it, before im2col returns, so cols holds exactly what
     * {@link #im2colRows} writes (no reader sees the intermediate state: cols is this thread's work array).
     */
    static void im2colPlanes(ConvGeometry g, float[] x, int i0, int nb, float[] cols) {
        int h = g.height();
        int w = g.width();
        int kh = g.kernelH();
        int kw = g.kernelW();
        int oh = g.outHeight();
        int plane = g.outputPlane();
        int ld = nb * plane;
        int inPlane = g.inputPlane();
        int sample = g.inputSize();
        for (int c = 0; c < g.channels(); c++) {
            for (int a = 0; a < kh; a++) {
                int rLo = Math.max(0, g.padTop() - a);
                int rHi = Math.min(oh, h + g.padTop() - a);
                for (int b = 0; b < kw; b++) {
                    int row = (c * kh + a) * kw + b;
                    int off = b - g.padLeft();
                    int colLo = firstInside(off, 1);
                    int colHi = Math.min(w, lastInside(off, 1, w) + 1);
                    for (int img = 0; img < nb; img++) {
                        int dst = row * ld + img * plane;
                        if (rLo >= rHi || colLo >= colHi) {
                            java.util.Arrays.fill(cols, dst, dst + plane, 0f);
                            continue;
                        }
                        int src = (i0 + img) * sample + c * inPlane + (rLo + a - g.padTop()) * w + off;
                        int first = dst + rLo * w;
                        int last = dst + (rHi - 1) * w;
                        System.arraycopy(x, src + colLo, cols, first + colLo, last - first + colHi - colLo);
                        java.util.Arrays.fill(cols, dst, first + colLo, 0f);
                        for (int r = first + w; r <= last; r += w) {
                            java.util.Arrays.fill(cols, r - w + colHi, r + colLo, 0f);
                        }
                        java.util.Arrays.fill(cols, last + colHi, dst + plane, 0f);
                    }
                }
            }
        }
    }

    /** Any geometry: im2col one output row at a time. */
    static void im2colRows(ConvGeometry g, float[] x, int i0, int nb, float[] cols) {
        int h = g.height();
        int w = g.width();
        int kh = g.kernelH();
        int kw = g.kernelW();
        int sh = g.strideH();
        int sw = g.strideW();
        int oh = g.outHeight();
        int ow = g.outWidth();
        int plane = g.outputPlane();
        int ld = nb * plane;
        int inPlane = g.inputPlane();
        int sample = g.inputSize();
        for (int c = 0; c < g.channels(); c++) {
            for (int a = 0; a < kh; a++) {
                for (int b = 0; b < kw; b++) {
                    int row = (c * kh + a) * kw + b;
                    int colLo = firstInside(b - g.padLeft(), sw);
                    int colHi = Math.min(ow, lastInside(b - g.padLeft(), sw, w) + 1);
                    for (int img = 0; img < nb; img++) {
                        int src = (i0 + img) * sample + c * inPlane;
                        int dst = row * ld + img * plane;
                        for (int r = 0; r < oh; r++, dst += ow) {
                            int ih = r * sh - g.padTop() + a;
                            if (ih < 0 || ih >= h || colLo >= colHi) {
                                java.util.Arrays.fill(cols, dst, dst + ow, 0f);
                                continue;
                            }
                            for (int q = 0; q < colLo; q++) {
                                cols[dst + q] = 0f;
                            }
                            int base = src + ih * w + b - g.padLeft();
                            if (sw == 1) {
                                System.arraycopy(x, base + colLo, cols, dst + colLo, colHi - colLo);
                            } else {
                                for (int q = colLo; q < colHi; q++) {
                                    cols[dst + q] = x[base + q * sw];
                                }
                            }
                            for (int q = colHi; q < ow; q++) {
                                cols[dst + q] = 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Folds cols (K, nb*P) back into images {@code [i0, i0+nb)} of dx (assigned: summed over taps). cols is
     * scratch afterwards: {@link #col2imPlanes} zeroes some of its padding entries.
     */
    static void col2im(ConvGeometry g, float[] cols, int i0, int nb, float[] dx) {
        col2im(g, cols, i0, nb, dx, true);
    }

    /**
     * col2im on its fast paths when {@code fast} ({@link #col2imPlanes} for {@link #wholePlanes} geometries,
     * else rows added by {@link #addRow}, a loop the JIT vectorizes, when the stride along W is 1), otherwise
     * on the general strided loop. The same bits either way: each dx element receives at most one term per
     * (tap, image, output row), and every path adds its terms in the same (tap, image, row) order.
     */
    static void col2im(ConvGeometry g, float[] cols, int i0, int nb, float[] dx, boolean fast) {
        if (fast && wholePlanes(g)) {
            col2imPlanes(g, cols, i0, nb, dx);
        } else {
            col2imRows(g, cols, i0, nb, dx, fast);
        }
    }

    /**
     * col2im for {@link #wholePlanes} geometries: per tap and image, the padding entries of cols between its
     * first and last in-image row are set to 0 and the whole block is added with one {@link #addRow}. Adding
     * those zeros changes no bit: every dx element starts at +0.0 and a round-to-nearest sum that starts at
     * +0.0 is never -0.0, and {@code s + 0f == s} for every other s (NaN and infinities included); the terms
     * that are not zero are added in the same order as in {@link #col2imRows}.
     */
    static void col2imPlanes(ConvGeometry g, float[] cols, int i0, int nb, float[] dx) {
        int h = g.height();
        int w = g.width();
        int kh = g.kernelH();
        int kw = g.kernelW();
        int oh = g.outHeight();
        int plane = g.outputPlane();
        int ld = nb * plane;
        int inPlane = g.inputPlane();
        int sample = g.inputSize();
        java.util.Arrays.fill(dx, i0 * sample, (i0 + nb) * sample, 0f);
        for (int c = 0; c < g.channels(); c++) {
            for (int a = 0; a < kh; a++) {
                int rLo = Math.max(0, g.padTop() - a);
                int rHi = Math.min(oh, h + g.padTop() - a);
                for (int b = 0; b < kw; b++) {
                    int row = (c * kh + a) * kw + b;
                    int off = b - g.padLeft();
                    int colLo = firstInside(off, 1);
                    int colHi = Math.min(w, lastInside(off, 1, w) + 1);
                    if (rLo >= rHi || colLo >= colHi) {
                        continue;
                    }
                    for (int img = 0; img < nb; img++) {
                        int src = row * ld + img * plane;
                        int first = src + rLo * w;
                        int last = src + (rHi - 1) * w;
                        for (int r = first + w; r <= last; r += w) {
                            java.util.Arrays.fill(cols, r - w + colHi, r + colLo, 0f);
                        }
                        int dst = (i0 + img) * sample + c * inPlane + (rLo + a - g.padTop()) * w + off;
                        addRow(cols, first + colLo, dx, dst + colLo, last - first + colHi - colLo);
                    }
                }
            }
        }
    }

    /** col2im one output row at a time; rows added by {@link #addRow} when {@code unitStride} and stride 1. */
    static void col2imRows(ConvGeometry g, float[] cols, int i0, int nb, float[] dx, boolean unitStride) {
        int h = g.height();
        int w = g.width();
        int kh = g.kernelH();
        int kw = g.kernelW();
        int sh = g.strideH();
        int sw = g.strideW();
        int oh = g.outHeight();
        int ow = g.outWidth();
        int plane = g.outputPlane();
        int ld = nb * plane;
        int inPlane = g.inputPlane();
        int sample = g.inputSize();
        boolean unit = unitStride && sw == 1;
        java.util.Arrays.fill(dx, i0 * sample, (i0 + nb) * sample, 0f);
        for (int c = 0; c < g.channels(); c++) {
            for (int a = 0; a < kh; a++) {
                for (int b = 0; b < kw; b++) {
                    int row = (c * kh + a) * kw + b;
                    int colLo = firstInside(b - g.padLeft(), sw);
                    int colHi = Math.min(ow, lastInside(b - g.padLeft(), sw, w) + 1);
                    for (int img = 0; img < nb; img++) {
                        int dstImg = (i0 + img) * sample + c * inPlane;
                        int src = row * ld + img * plane;
                        for (int r = 0; r < oh; r++, src += ow) {
                            int ih = r * sh - g.padTop() + a;
                            if (ih < 0 || ih >= h) {
                                continue;
                            }
                            int base = dstImg + ih * w + b - g.padLeft();
                            if (unit) {
                                addRow(cols, src + colLo, dx, base + colLo, colHi - colLo);
                            } else {
                                for (int q = colLo; q < colHi; q++) {
                                    dx[base + q * sw] += cols[src + q];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code dx[d, d+len) += cols[s, s+len)}. */
    private static void addRow(float[] cols, int s, float[] dx, int d, int len) {
        for (int i = 0; i < len; i++) {
            dx[d + i] += cols[s + i];
        }
    }

    /** Smallest output column q with {@code q*s + off >= 0}. */
    private static int firstInside(int off, int s) {
        return off >= 0 ? 0 : (-off + s - 1) / s;
    }

    /** Largest output column q with {@code q*s + off < w} (may be negative). */
    private static int lastInside(int off, int s, int w) {
        int limit = w - 1 - off;
        return limit < 0 ? -1 : limit / s;
    }

    /** out[(i0+img), o, p] = chunk[o, img*P + p] + bias[o]; chunk (f, nb*P). */
    static void scatterOutput(float[] chunk, float[] bias, int f, int plane, int i0, int nb, float[] y) {
        int ld = nb * plane;
        for (int img = 0; img < nb; img++) {
            for (int o = 0; o < f; o++) {
                int dst = ((i0 + img) * f + o) * plane;
                int src = o * ld + img * plane;
                if (bias == null) {
                    System.arraycopy(chunk, src, y, dst, plane);
                } else {
                    float bo = bias[o];
                    for (int p = 0; p < plane; p++) {
                        y[dst + p] = chunk[src + p] + bo;
                    }
                }
            }
        }
    }

    /** dyT[o, img*P + p] = dy[(i0+img), o, p]: the chunk of dy as (f, nb*P). */
    static void gatherGradient(float[] dy, int f, int plane, int i0, int nb, float[] dyT) {
        int ld = nb * plane;
        for (int img = 0; img < nb; img++) {
            for (int o = 0; o < f; o++) {
                System.arraycopy(dy, ((i0 + img) * f + o) * plane, dyT, o * ld + img * plane, plane);
            }
        }
    }

    /** sums[o] += sum of row o of dyT (f, len). */
    static void rowSums(float[] dyT, int f, int len, double[] sums) {
        for (int o = 0; o < f; o++) {
            double s = 0;
            int off = o * len;
            for (int p = 0; p < len; p++) {
                s += dyT[off + p];
            }
            sums[o] += s;
        }
    }
}
