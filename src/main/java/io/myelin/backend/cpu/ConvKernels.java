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

    /** Folds cols (K, nb*P) back into images {@code [i0, i0+nb)} of dx (assigned: summed over taps). */
    static void col2im(ConvGeometry g, float[] cols, int i0, int nb, float[] dx) {
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
                            for (int q = colLo; q < colHi; q++) {
                                dx[base + q * sw] += cols[src + q];
                            }
                        }
                    }
                }
            }
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
