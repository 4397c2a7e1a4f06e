package io.myelin.backend;

/**
 * Double-precision direct (loop) references for the convolution and pooling ops of {@link Backend}: no
 * im2col, no GEMM, every sum written out, so the backends' column-matrix paths are checked against the
 * definition. Each also returns the sum of absolute terms per output ({@code abs}) for the float
 * summation bound.
 */
final class ConvReference {
    private ConvReference() {
    }

    /** y (n, f*P) and abs of the same size. */
    static double[][] convForward(ConvGeometry g, int n, int f, float[] x, float[] w, float[] bias) {
        int p = g.outputPlane();
        double[] y = new double[n * f * p];
        double[] abs = new double[y.length];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < f; o++) {
                for (int oh = 0; oh < g.outHeight(); oh++) {
                    for (int ow = 0; ow < g.outWidth(); ow++) {
                        double s = bias == null ? 0 : bias[o];
                        double a = Math.abs(s);
                        for (int c = 0; c < g.channels(); c++) {
                            for (int kh = 0; kh < g.kernelH(); kh++) {
                                for (int kw = 0; kw < g.kernelW(); kw++) {
                                    int ih = oh * g.strideH() - g.padTop() + kh;
                                    int iw = ow * g.strideW() - g.padLeft() + kw;
                                    if (ih < 0 || ih >= g.height() || iw < 0 || iw >= g.width()) {
                                        continue;
                                    }
                                    double t = (double) w[((o * g.channels() + c) * g.kernelH() + kh) * g.kernelW() + kw]
                                            * x[i * g.inputSize() + (c * g.height() + ih) * g.width() + iw];
                                    s += t;
                                    a += Math.abs(t);
                                }
                            }
                        }
                        int idx = (i * f + o) * p + oh * g.outWidth() + ow;
                        y[idx] = s;
                        abs[idx] = a;
                    }
                }
            }
        }
        return new double[][] {y, abs};
    }

    /** {dx, absDx, dw, absDw, db, absDb}: gradients of sum(dy * y). */
    static double[][] convBackward(ConvGeometry g, int n, int f, float[] x, float[] w, float[] dy) {
        int p = g.outputPlane();
        double[] dx = new double[n * g.inputSize()];
        double[] adx = new double[dx.length];
        double[] dw = new double[f * g.patchSize()];
        double[] adw = new double[dw.length];
        double[] db = new double[f];
        double[] adb = new double[f];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < f; o++) {
                for (int oh = 0; oh < g.outHeight(); oh++) {
                    for (int ow = 0; ow < g.outWidth(); ow++) {
                        double d = dy[(i * f + o) * p + oh * g.outWidth() + ow];
                        db[o] += d;
                        adb[o] += Math.abs(d);
                        for (int c = 0; c < g.channels(); c++) {
                            for (int kh = 0; kh < g.kernelH(); kh++) {
                                for (int kw = 0; kw < g.kernelW(); kw++) {
                                    int ih = oh * g.strideH() - g.padTop() + kh;
                                    int iw = ow * g.strideW() - g.padLeft() + kw;
                                    if (ih < 0 || ih >= g.height() || iw < 0 || iw >= g.width()) {
                                        continue;
                                    }
                                    int wi = ((o * g.channels() + c) * g.kernelH() + kh) * g.kernelW() + kw;
                                    int xi = i * g.inputSize() + (c * g.height() + ih) * g.width() + iw;
                                    dw[wi] += d * x[xi];
                                    adw[wi] += Math.abs(d * x[xi]);
                                    dx[xi] += d * w[wi];
                                    adx[xi] += Math.abs(d * w[wi]);
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {dx, adx, dw, adw, db, adb};
    }

    /** {y, argmax} of max pooling (first maximum in row-major window order; NaN wins). */
    static double[][] maxPool(ConvGeometry g, int n, float[] x) {
        int p = g.outputPlane();
        double[] y = new double[n * g.channels() * p];
        double[] arg = new double[y.length];
        for (int plane = 0; plane < n * g.channels(); plane++) {
            for (int oh = 0; oh < g.outHeight(); oh++) {
                for (int ow = 0; ow < g.outWidth(); ow++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int kh = 0; kh < g.kernelH(); kh++) {
                        for (int kw = 0; kw < g.kernelW(); kw++) {
                            int ih = oh * g.strideH() - g.padTop() + kh;
                            int iw = ow * g.strideW() - g.padLeft() + kw;
                            if (ih < 0 || ih >= g.height() || iw < 0 || iw >= g.width()) {
                                continue;
                            }
                            double v = x[plane * g.inputPlane() + ih * g.width() + iw];
                            boolean bestIsNaN = at >= 0 && Double.isNaN(best);
                            if (at < 0 || (!bestIsNaN && (v > best || Double.isNaN(v)))) {
                                best = v;
                                at = ih * g.width() + iw;
                            }
                        }
                    }
                    int idx = plane * p + oh * g.outWidth() + ow;
                    y[idx] = best;
                    arg[idx] = at;
                }
            }
        }
        return new double[][] {y, arg};
    }

    /** dx of max pooling routed by argmax. */
    static double[] maxPoolBackward(ConvGeometry g, int n, float[] dy, float[] argmax) {
        double[] dx = new double[n * g.inputSize()];
        int p = g.outputPlane();
        for (int plane = 0; plane < n * g.channels(); plane++) {
            for (int q = 0; q < p; q++) {
                dx[plane * g.inputPlane() + (int) argmax[plane * p + q]] += dy[plane * p + q];
            }
        }
        return dx;
    }

    /** Average pooling over in-image positions. */
    static double[] avgPool(ConvGeometry g, int n, float[] x) {
        int p = g.outputPlane();
        double[] y = new double[n * g.channels() * p];
        for (int plane = 0; plane < n * g.channels(); plane++) {
            for (int oh = 0; oh < g.outHeight(); oh++) {
                for (int ow = 0; ow < g.outWidth(); ow++) {
                    double s = 0;
                    int count = 0;
                    for (int kh = 0; kh < g.kernelH(); kh++) {
                        for (int kw = 0; kw < g.kernelW(); kw++) {
                            int ih = oh * g.strideH() - g.padTop() + kh;
                            int iw = ow * g.strideW() - g.padLeft() + kw;
                            if (ih >= 0 && ih < g.height() && iw >= 0 && iw < g.width()) {
                                s += x[plane * g.inputPlane() + ih * g.width() + iw];
                                count++;
                            }
                        }
                    }
                    y[plane * p + oh * g.outWidth() + ow] = s / count;
                }
            }
        }
        return y;
    }

    /** dx of average pooling. */
    static double[] avgPoolBackward(ConvGeometry g, int n, float[] dy) {
        double[] dx = new double[n * g.inputSize()];
        int p = g.outputPlane();
        for (int plane = 0; plane < n * g.channels(); plane++) {
            for (int oh = 0; oh < g.outHeight(); oh++) {
                for (int ow = 0; ow < g.outWidth(); ow++) {
                    int h0 = Math.max(0, oh * g.strideH() - g.padTop());
                    int h1 = Math.min(g.height(), oh * g.strideH() - g.padTop() + g.kernelH());
                    int w0 = Math.max(0, ow * g.strideW() - g.padLeft());
                    int w1 = Math.min(g.width(), ow * g.strideW() - g.padLeft() + g.kernelW());
                    double d = dy[plane * p + oh * g.outWidth() + ow] / (double) ((h1 - h0) * (w1 - w0));
                    for (int ih = h0; ih < h1; ih++) {
                        for (int iw = w0; iw < w1; iw++) {
                            dx[plane * g.inputPlane() + ih * g.width() + iw] += d;
                        }
                    }
                }
            }
        }
        return dx;
    }
}
