package io.myelin.backend;

/**
 * The geometry of a 2-D convolution or pooling window over channels-first images: a sample is
 * {@code (channels, height, width)} stored row-major as one row of {@code channels*height*width} floats,
 * and the window of {@code kernelH x kernelW} moves by {@code strideH, strideW} over the image padded by
 * {@code padTop, padLeft} on the leading sides (and whatever the output size needs on the trailing sides).
 * Output position {@code (oh, ow)} covers input rows {@code oh*strideH - padTop + [0, kernelH)} and columns
 * {@code ow*strideW - padLeft + [0, kernelW)}; positions outside the image are zeros for a convolution and
 * are skipped by pooling.
 *
 * <pre>{@code
 * ConvGeometry g = ConvGeometry.of(3, 20, 20, 3, 3, 1, 1, true);   // 3x3 "same": output 20x20
 * }</pre>
 *
 * @param channels  input channels C
 * @param height    input height H
 * @param width     input width W
 * @param kernelH   window height
 * @param kernelW   window width
 * @param strideH   vertical stride
 * @param strideW   horizontal stride
 * @param padTop    rows of padding above the image
 * @param padLeft   columns of padding left of the image
 * @param outHeight output height
 * @param outWidth  output width
 */
public record ConvGeometry(int channels, int height, int width, int kernelH, int kernelW, int strideH, int strideW,
                           int padTop, int padLeft, int outHeight, int outWidth) {

    public ConvGeometry {
        if (channels <= 0 || height <= 0 || width <= 0 || kernelH <= 0 || kernelW <= 0 || strideH <= 0
                || strideW <= 0 || padTop < 0 || padLeft < 0 || outHeight <= 0 || outWidth <= 0
                || padTop >= kernelH || padLeft >= kernelW
                || (outHeight - 1) * (long) strideH - padTop >= height || (outWidth - 1) * (long) strideW - padLeft >= width) {
            throw new IllegalArgumentException("invalid convolution geometry " + describeArgs(channels, height, width,
                    kernelH, kernelW, strideH, strideW, padTop, padLeft, outHeight, outWidth));
        }
        if ((long) channels * height * width > Integer.MAX_VALUE / 2
                || (long) channels * kernelH * kernelW * outHeight * outWidth > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("convolution geometry too large: " + describeArgs(channels, height,
                    width, kernelH, kernelW, strideH, strideW, padTop, padLeft, outHeight, outWidth));
        }
    }

    /**
     * The geometry of a {@code "valid"} window (no padding, {@code out = (in - k) / s + 1}) or a {@code "same"}
     * one (Keras/TensorFlow and PyTorch {@code padding='same'}: {@code out = ceil(in / s)}, total padding
     * {@code max((out-1)*s + k - in, 0)}, the smaller half before the image).
     *
     * @throws IllegalArgumentException when a valid window is larger than the (padded) image
     */
    public static ConvGeometry of(int channels, int height, int width, int kernelH, int kernelW, int strideH,
                                  int strideW, boolean same) {
        if (kernelH <= 0 || kernelW <= 0 || strideH <= 0 || strideW <= 0) {
            throw new IllegalArgumentException("window " + kernelH + "x" + kernelW + " and strides " + strideH + "x"
                    + strideW + " must be positive");
        }
        if (!same && (kernelH > height || kernelW > width)) {
            throw new IllegalArgumentException("a " + kernelH + "x" + kernelW + " window with \"valid\" padding does "
                    + "not fit a " + height + "x" + width + " input");
        }
        int oh = same ? ceilDiv(height, strideH) : (height - kernelH) / strideH + 1;
        int ow = same ? ceilDiv(width, strideW) : (width - kernelW) / strideW + 1;
        int padH = same ? Math.max((oh - 1) * strideH + kernelH - height, 0) : 0;
        int padW = same ? Math.max((ow - 1) * strideW + kernelW - width, 0) : 0;
        return new ConvGeometry(channels, height, width, kernelH, kernelW, strideH, strideW, padH / 2, padW / 2, oh, ow);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Floats per input sample: {@code C*H*W}. */
    public int inputSize() {
        return channels * height * width;
    }

    /** {@code H*W}. */
    public int inputPlane() {
        return height * width;
    }

    /** {@code outHeight*outWidth}. */
    public int outputPlane() {
        return outHeight * outWidth;
    }

    /** Rows of a convolution's column matrix (the length of one patch): {@code C*kh*kw}. */
    public int patchSize() {
        return channels * kernelH * kernelW;
    }

    /** "(C, H, W) -> (OH, OW), window KHxKW, stride SHxSW, pad T,L". */
    public String describe() {
        return "(" + channels + ", " + height + ", " + width + ") -> (" + outHeight + ", " + outWidth + "), window "
                + kernelH + "x" + kernelW + ", stride " + strideH + "x" + strideW + ", pad " + padTop + "," + padLeft;
    }

    private static String describeArgs(int c, int h, int w, int kh, int kw, int sh, int sw, int pt, int pl, int oh,
                                       int ow) {
        return "(C=" + c + ", H=" + h + ", W=" + w + ", kernel " + kh + "x" + kw + ", stride " + sh + "x" + sw
                + ", pad " + pt + "," + pl + ", out " + oh + "x" + ow + ")";
    }
}
