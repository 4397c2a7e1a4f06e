package io.myelin.random;

/**
 * A seeded, counter-based stream of uniform and normal variates built on {@link Philox}: the draw at
 * position {@code n} of stream {@code (seed, stream)} is a pure function of those numbers, so runs are
 * reproducible and a resumed run can continue from a saved counter. Used for initialization and shuffling.
 *
 * <pre>{@code
 * SeededRandom r = new SeededRandom(42, 7); float u = r.nextFloat();
 * }</pre>
 */
public final class SeededRandom {
    private final long seed;
    private final int stream;
    private long counter;
    private final int[] block = new int[4];
    private int used = 4;
    private double spareNormal = Double.NaN;

    public SeededRandom(long seed, int stream) {
        this.seed = seed;
        this.stream = stream;
    }

    /** Number of 128-bit blocks drawn so far (save it to resume). */
    public long counter() {
        return counter;
    }

    public void setCounter(long c) {
        counter = c;
        used = 4;
        spareNormal = Double.NaN;
    }

    public int nextInt() {
        if (used == 4) {
            Philox.block((int) counter, (int) (counter >>> 32), stream, 0x6d79656c, (int) seed, (int) (seed >>> 32), block);
            counter++;
            used = 0;
        }
        return block[used++];
    }

    /** Uniform in [0, 1) with 24 random bits. */
    public float nextFloat() {
        return (nextInt() >>> 8) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        long hi = Integer.toUnsignedLong(nextInt()) >>> 5;
        long lo = Integer.toUnsignedLong(nextInt()) >>> 6;
        return (hi * 67108864.0 + lo) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        return (int) (nextDouble() * bound);
    }

    /** Standard normal (Box–Muller). */
    public double nextGaussian() {
        if (!Double.isNaN(spareNormal)) {
            double s = spareNormal;
            spareNormal = Double.NaN;
            return s;
        }
        double u1;
        do {
            u1 = nextDouble();
        } while (u1 <= 0);
        double u2 = nextDouble();
        double r = Math.sqrt(-2 * Math.log(u1));
        spareNormal = r * Math.sin(2 * Math.PI * u2);
        return r * Math.cos(2 * Math.PI * u2);
    }

    /** Fisher–Yates shuffle of {@code a} in place. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
