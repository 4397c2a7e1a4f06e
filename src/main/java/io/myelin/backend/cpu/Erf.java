package io.myelin.backend.cpu;

/**
 * The error function and its complement in double precision, for exact GELU ({@code x * Phi(x)} with
 * {@code Phi(x) = erfc(-x/sqrt 2)/2}). Java has no erf and no library on the class path provides one.
 *
 * <p>Method (the form used by Numerical Recipes' {@code erfccheb}): for {@code z >= 0},
 * {@code erfc(z) = t * exp(-z^2 + f(t))} with {@code t = 2/(2+z)} in (0, 1], where f is smooth on [0, 1]
 * (its limit at t = 0 follows from the asymptotic series). f is expanded in a Chebyshev series whose
 * coefficients are computed once, when this class loads, from slow but exact-to-rounding definitions:
 * the positive-term series {@code erf(z) = 2/sqrt(pi) e^(-z^2) sum 2^n z^(2n+1)/(2n+1)!!} for z &lt;= 2 and
 * Laplace's continued fraction {@code erfc(z) = e^(-z^2)/sqrt(pi) / (z + (1/2)/(z + 1/(z + (3/2)/(z + ...))))}
 * beyond. Evaluation is then one Clenshaw sum and one exp; {@code ErfTest} checks the absolute error of
 * erf and erfc stays below 1e-13 (the float GELU needs below 1e-7). erfc is computed directly (never as
 * {@code 1 - erf}), so {@code Phi(x)} keeps its relative accuracy for large negative x.
 *
 * <pre>{@code
 * double p = Erf.erfc(-1.5 / Math.sqrt(2)) / 2;   // standard normal CDF at 1.5
 * }</pre>
 */
public final class Erf {
    private static final int NODES = 48;
    private static final double SQRT_PI = Math.sqrt(Math.PI);
    private static final double[] COEF = chebyshevFit();

    private Erf() {
    }

    /** The complementary error function {@code 1 - erf(x)}, accurate relative to its value for x > 0. */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double z = Math.abs(x);
        double t = 2.0 / (2.0 + z);
        double r = t * Math.exp(-z * z + clenshaw(2.0 * t - 1.0));
        return x >= 0 ? r : 2.0 - r;
    }

    /** The error function. */
    public static double erf(double x) {
        if (Math.abs(x) < 0.5) {
            return erfSeries(x);   // 1 - erfc(x) would lose relative accuracy near 0
        }
        return x > 0 ? 1.0 - erfc(x) : erfc(-x) - 1.0;
    }

    private static double clenshaw(double u) {
        double b1 = 0;
        double b2 = 0;
        double u2 = 2 * u;
        for (int j = COEF.length - 1; j >= 1; j--) {
            double b0 = u2 * b1 - b2 + COEF[j];
            b2 = b1;
            b1 = b0;
        }
        return u * b1 - b2 + 0.5 * COEF[0];
    }

    /** Chebyshev coefficients of f(t(u)) with t = (u+1)/2, from NODES Chebyshev-Gauss nodes; trailing negligible terms dropped. */
    private static double[] chebyshevFit() {
        double[] f = new double[NODES];
        for (int k = 0; k < NODES; k++) {
            double u = Math.cos(Math.PI * (k + 0.5) / NODES);
            double t = (u + 1) / 2;
            double z = 2 / t - 2;
            f[k] = logErfcScaled(z) - Math.log(t);
        }
        double[] c = new double[NODES];
        for (int j = 0; j < NODES; j++) {
            double s = 0;
            for (int k = 0; k < NODES; k++) {
                s += f[k] * Math.cos(Math.PI * j * (k + 0.5) / NODES);
            }
            c[j] = 2.0 * s / NODES;
        }
        int keep = NODES;
        while (keep > 1 && Math.abs(c[keep - 1]) < 1e-17) {
            keep--;
        }
        return java.util.Arrays.copyOf(c, keep);
    }

    /** {@code ln(erfc(z)) + z^2} for z >= 0, by definition (slow; used only to fit the coefficients). */
    static double logErfcScaled(double z) {
        if (z <= 2) {
            return Math.log(1 - erfSeries(z)) + z * z;
        }
        return Math.log(laplaceContinuedFraction(z) / SQRT_PI);
    }

    /** erf(z) from the positive-term series (no cancellation; converges for every z, fast for small z). */
    private static double erfSeries(double z) {
        double z2 = z * z;
        double term = z;
        double sum = z;
        for (int n = 0; n < 500 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
            term *= 2 * z2 / (2 * n + 3);
            sum += term;
        }
        return 2 / SQRT_PI * Math.exp(-z2) * sum;
    }

    /** {@code 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...))))} by the modified Lentz method, z > 0. */
    private static double laplaceContinuedFraction(double z) {
        double tiny = 1e-300;
        double f = z;
        double c = f;
        double d = 0;
        for (int n = 1; n < 100_000; n++) {
            double a = n / 2.0;
            d = z + a * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = z + a / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return 1 / f;
    }
}
