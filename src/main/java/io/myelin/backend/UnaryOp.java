package io.myelin.backend;

/**
 * Elementwise unary primitives: {@code out[i] = f(x[i]; a, b)}. The two scalars {@code a} and {@code b}
 * are used only by the ops that say so; others ignore them.
 */
public enum UnaryOp {
    /** {@code a*x + b}. */
    AFFINE,
    /** {@code |x|}. */
    ABS,
    /** {@code sign(x)} in {-1, +1} for non-zero x; +-0 and NaN map to themselves (as {@link Math#signum}). */
    SIGN,
    /** {@code e^x}. */
    EXP,
    /** {@code ln(x)}. */
    LOG,
    /** {@code sqrt(x)}. */
    SQRT,
    /** {@code x*x}. */
    SQUARE,
    /** {@code 1/x}. */
    RECIPROCAL,
    /**
     * {@code min(max(x, a), b)} as {@link Math#max}/{@link Math#min} define them: NaN stays NaN, and with
     * {@code a > b} every other x gives b.
     */
    CLAMP,
    /** {@code x > a ? 1 : 0} (a mask; e.g. a = 0 for "positive"). */
    GREATER_THAN,
}
