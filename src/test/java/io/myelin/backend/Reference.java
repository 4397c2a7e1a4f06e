package io.myelin.backend;

/**
 * Naive double-precision reference implementations of the {@link Backend} primitives, written from the
 * SPI javadoc and independent of every backend (no backend class is called). Inputs are the float values
 * the backend saw, widened to double; outputs are exact up to double rounding. Switches over the op enums
 * have no default, so a new enum constant does not compile until it has a reference here.
 */
final class Reference {
    static final double INV_SQRT_2 = 1 / Math.sqrt(2);

    private Reference() {
    }

    static double unary(UnaryOp op, double a, double b, double x) {
        return switch (op) {
            case AFFINE -> a * x + b;
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1 / x;
            case CLAMP -> Math.min(Math.max(x, a), b);
            case GREATER_THAN -> x > a ? 1 : 0;
        };
    }

    static double binary(BinaryOp op, double x, double y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MAX -> Math.max(x, y);
            case MIN -> Math.min(x, y);
            case GREATER -> x > y ? 1 : 0;
        };
    }

    /** Reduction of x (rows, cols): axis 0 -> cols values, axis 1 -> rows values. */
    static double[] reduce(ReduceOp op, int axis, float[] x, int rows, int cols) {
        int outer = axis == 0 ? cols : rows;
        int inner = axis == 0 ? rows : cols;
        double[] out = new double[outer];
        for (int o = 0; o < outer; o++) {
            double sum = 0;
            double best = Double.NEGATIVE_INFINITY;
            int arg = -1;
            for (int i = 0; i < inner; i++) {
                double v = axis == 0 ? x[i * cols + o] : x[o * cols + i];
                sum += v;
                if (arg < 0 || v > best) {   // strict: the first maximum wins ties
                    best = v;
                    arg = i;
                }
            }
            out[o] = switch (op) {
                case SUM -> sum;
                case MAX -> best;
                case ARGMAX -> arg;
            };
        }
        return out;
    }

    static double activation(Activation act, double p, double x) {
        return switch (act) {
            case LINEAR -> x;
            case STEP -> x >= 0 ? 1 : 0;
            case SIGMOID -> sigmoid(x);
            case TANH -> Math.tanh(x);
            case RELU -> Math.max(0, x);
            case LEAKY_RELU -> x > 0 ? x : p * x;
            case ELU -> x > 0 ? x : p * Math.expm1(x);
            case SELU -> Activation.SELU_SCALE * (x > 0 ? x : Activation.SELU_ALPHA * Math.expm1(x));
            case GELU -> x * normalCdf(x);
            // 0.5(1 + tanh u) written as sigmoid(2u), which does not cancel in the lower tail
            case GELU_TANH -> x * sigmoid(2 * Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x));
            case SWISH -> x * sigmoid(p * x);
        };
    }

    /** f'(x) by hand; at kinks the SPI's conventions (RELU'(0) = 0, STEP' = 0). */
    static double activationDerivative(Activation act, double p, double x) {
        return switch (act) {
            case LINEAR -> 1;
            case STEP -> 0;
            case SIGMOID -> sigmoid(x) * (1 - sigmoid(x));
            case TANH -> 1 - Math.tanh(x) * Math.tanh(x);
            case RELU -> x > 0 ? 1 : 0;
            case LEAKY_RELU -> x > 0 ? 1 : p;
            case ELU -> x > 0 ? 1 : p * Math.exp(x);
            case SELU -> Activation.SELU_SCALE * (x > 0 ? 1 : Activation.SELU_ALPHA * Math.exp(x));
            case GELU -> normalCdf(x) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
            case GELU_TANH -> {
                double c = Math.sqrt(2 / Math.PI);
                double s = sigmoid(2 * c * (x + 0.044715 * x * x * x));   // (1 + tanh u)/2; 1 - tanh^2 u = 4s(1 - s)
                yield s + 2 * x * s * (1 - s) * c * (1 + 3 * 0.044715 * x * x);
            }
            case SWISH -> {
                double s = sigmoid(p * x);
                yield s + p * x * s * (1 - s);
            }
        };
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    /** Standard normal CDF. */
    static double normalCdf(double x) {
        return 0.5 * erfc(-x * INV_SQRT_2);
    }

    /**
     * erfc by the Maclaurin series of erf for |z| <= 3.5 (cancellation costs ~4 of 16 digits there) and
     * by a fixed-depth evaluation of Laplace's continued fraction beyond.
     */
    static double erfc(double z) {
        if (Double.isNaN(z)) {
            return z;
        }
        if (Math.abs(z) <= 3.5) {
            double sum = 0;
            double power = z;        // z^(2n+1)
            double factorial = 1;    // n!
            for (int n = 0; n < 120; n++) {
                sum += (n % 2 == 0 ? 1 : -1) * power / (factorial * (2 * n + 1));
                power *= z * z;
                factorial *= n + 1;
            }
            return 1 - 2 / Math.sqrt(Math.PI) * sum;
        }
        double a = Math.abs(z);
        double tail = a;
        for (int n = 400; n >= 1; n--) {
            tail = a + (n / 2.0) / tail;
        }
        double r = Math.exp(-a * a) / Math.sqrt(Math.PI) / tail;
        return z > 0 ? r : 2 - r;
    }

    /** c = alpha * op(a) op(b) + beta * c0 with a, b, c0 row-major as stored. */
    static double[] gemm(boolean ta, boolean tb, int m, int n, int k, double alpha, float[] a, float[] b,
                         double beta, float[] c0, boolean absolute) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[p * m + i] : a[i * k + p];
                    double bv = tb ? b[j * k + p] : b[p * n + j];
                    s += absolute ? Math.abs(av * bv) : av * bv;
                }
                c[i * n + j] = absolute ? Math.abs(alpha) * s + Math.abs(beta * c0[i * n + j])
                        : alpha * s + beta * c0[i * n + j];
            }
        }
        return c;
    }

    /** Row-wise softmax of x (rows, k). */
    static double[] softmax(float[] x, int rows, int k) {
        double[] y = new double[rows * k];
        for (int r = 0; r < rows; r++) {
            double lse = logSumExp(x, r * k, k);
            for (int j = 0; j < k; j++) {
                y[r * k + j] = Math.exp(x[r * k + j] - lse);
            }
        }
        return y;
    }

    static double logSumExp(float[] x, int o, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, x[o + j]);
        }
        double s = 0;
        for (int j = 0; j < k; j++) {
            s += Math.exp(x[o + j] - max);
        }
        return max + Math.log(s);
    }

    /** Per-row -sum_j y_j log softmax(x)_j; labels (rows, k) or, when sparse, (rows, 1) indices. */
    static double[] crossEntropy(float[] x, float[] labels, boolean sparse, int rows, int k) {
        double[] loss = new double[rows];
        for (int r = 0; r < rows; r++) {
            double lse = logSumExp(x, r * k, k);
            if (sparse) {
                loss[r] = lse - x[r * k + (int) labels[r]];
            } else {
                double s = 0;
                for (int j = 0; j < k; j++) {
                    s += labels[r * k + j] * (lse - x[r * k + j]);
                }
                loss[r] = s;
            }
        }
        return loss;
    }
}
