package io.myelin.backend.cpu;

import io.myelin.backend.BinaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD versions of the scalar loops HotSpot 17 does not vectorize (see {@link Simd}); loaded only when
 * {@link Simd#ENABLED}, since this class links against {@code jdk.incubator.vector}. Every method gives the same
 * bits as its scalar twin for every input, NaN, signed zeros and infinities included: a lane select by
 * {@code compare(GT, 0)} (false for NaN and for -0) picks the very value the scalar {@code x > 0 ? a : b}
 * picks, and lanewise +, -, *, / are the IEEE operations of the scalar code, element by element in the same
 * order. Tails shorter than a vector run the scalar loops. {@code BitExactSimdTest} compares both paths.
 */
final class VectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorKernels() {
    }

    static int lanes() {
        return L;
    }

    /** {@code y[i] = x[i] > 0 ? x[i] : 0} for i in [lo, hi): ReLU (NaN and -0 give +0). */
    static void reluForward(float[] x, float[] y, int lo, int hi) {
        FloatVector zero = FloatVector.zero(S);
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, i);
        }
        for (; i < hi; i++) {
            y[i] = x[i] > 0 ? x[i] : 0f;
        }
    }

    /** {@code dx[i] = x[i] > 0 ? dy[i] : 0} for i in [lo, hi): dy passes unchanged (NaN, inf, -0) or becomes +0. */
    static void reluBackward(float[] x, float[] dy, float[] dx, int lo, int hi) {
        FloatVector zero = FloatVector.zero(S);
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            VectorMask<Float> pos = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, dy, i), pos).intoArray(dx, i);
        }
        for (; i < hi; i++) {
            dx[i] = x[i] > 0 ? dy[i] : 0f;
        }
    }

    /** {@code y[i] = x[i] > 0 ? x[i] : p * x[i]} for i in [lo, hi). */
    static void leakyReluForward(float p, float[] x, float[] y, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.mul(p).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, i);
        }
        for (; i < hi; i++) {
            y[i] = x[i] > 0 ? x[i] : p * x[i];
        }
    }

    /** {@code dx[i] = x[i] > 0 ? dy[i] : p * dy[i]} for i in [lo, hi). */
    static void leakyReluBackward(float p, float[] x, float[] dy, float[] dx, int lo, int hi) {
        int i = lo;
        for (int end = lo + S.loopBound(hi - lo); i < end; i += L) {
            VectorMask<Float> pos = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
            FloatVector g = FloatVector.fromArray(S, dy, i);
            g.mul(p).blend(g, pos).intoArray(dx, i);
        }
        for (; i < hi; i++) {
            dx[i] = x[i] > 0 ? dy[i] : p * dy[i];
        }
    }

    /** The ops {@link #binaryRowBroadcast} runs: the four whose lanewise form is exactly the scalar one. */
    static boolean hasRowOp(BinaryOp op) {
        return op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL || op == BinaryOp.DIV;
    }

    /** Rows [lo, hi) of {@code out = x (op) y}, x and out (rows, cols), y (1, cols); op one of {@link #hasRowOp}. */
    static void binaryRowBroadcast(BinaryOp op, float[] x, float[] y, float[] out, int cols, int lo, int hi) {
        VectorOperators.Binary vop = switch (op) {
            case ADD -> VectorOperators.ADD;
            case SUB -> VectorOperators.SUB;
            case MUL -> VectorOperators.MUL;
            case DIV -> VectorOperators.DIV;
            default -> throw new IllegalArgumentException("no SIMD row loop for " + op);
        };
        int bound = S.loopBound(cols);
        for (int r = lo; r < hi; r++) {
            int o = r * cols;
            int c = 0;
            for (; c < bound; c += L) {
                FloatVector.fromArray(S, x, o + c).lanewise(vop, FloatVector.fromArray(S, y, c)).intoArray(out, o + c);
            }
            if (c < cols) {
                ElementwiseKernels.binaryRow(op, x, y, out, o, cols, c);
            }
        }
    }

    /** {@code out[c] = sum over rows of x[r, c]} for columns [lo, hi), added in row order in float, as the scalar loop. */
    static void columnSums(float[] x, int rows, int cols, float[] out, int lo, int hi) {
        int c = lo;
        for (int end = lo + S.loopBound(hi - lo); c < end; c += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int r = 0, o = c; r < rows; r++, o += cols) {
                acc = acc.add(FloatVector.fromArray(S, x, o));
            }
            acc.intoArray(out, c);
        }
        if (c < hi) {
            ReduceKernels.columnSumsScalar(x, rows, cols, out, c, hi);
        }
    }
}
