package io.myelin.random;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), bit-identical to
 * Random123's {@code philox4x32} and to {@code kernels/dropout.cu}. Counter-based: the output is a pure
 * function of (counter, key), so any element's random word can be computed independently, in any order,
 * on any backend.
 *
 * <pre>{@code
 * int[] out = Philox.block(new int[] {0, 0, 0, 0}, new int[] {0, 0}); // 6627e8d5 e169c58d bc57ac4c 9b00dbd8
 * }</pre>
 */
public final class Philox {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    public static final int ROUNDS = 10;

    private Philox() {
    }

    /** One 128-bit block: counter (4 words) and key (2 words) → 4 random words. */
    public static int[] block(int[] counter, int[] key) {
        int[] out = new int[4];
        block(counter[0], counter[1], counter[2], counter[3], key[0], key[1], out);
        return out;
    }

    /** Allocation-free form; writes the 4 words into {@code out}. */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int r = 0; r < ROUNDS; r++) {
            if (r > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32);
            int lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32);
            int lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /**
     * The keep threshold for a keep probability: {@code floor(keep * 2^32)} as an unsigned 32-bit value
     * held in a long (2^32 means "keep everything").
     */
    public static long keepThreshold(float keep) {
        if (!(keep > 0f && keep <= 1f)) {
            throw new IllegalArgumentException("keep probability must be in (0, 1], got " + keep);
        }
        return (long) Math.floor((double) keep * 4294967296.0);
    }

    /**
     * The dropout word for element {@code i}: word {@code i % 4} of the block with counter
     * {@code (i / 4, stream, (int) step, (int) (step >>> 32))} and key {@code ((int) seed, (int) (seed >>> 32))}.
     * Element i is kept iff {@code Integer.toUnsignedLong(word) < keepThreshold(keep)}.
     */
    public static int dropoutWord(long seed, int stream, long step, long i, int[] scratch) {
        block((int) (i >>> 2), stream, (int) step, (int) (step >>> 32), (int) seed, (int) (seed >>> 32), scratch);
        return scratch[(int) (i & 3)];
    }

    /**
     * Fills {@code mask[0..n)} with the inverted-dropout mask: {@code 1/keep} where kept, 0 where dropped.
     * The CPU backend's {@code dropoutMask}; the CUDA kernel computes the same words.
     */
    public static void dropoutMask(long seed, int stream, long step, float keep, float[] mask, int n) {
        dropoutMask(seed, stream, step, keep, mask, 0, n);
    }

    /**
     * Fills {@code mask[from..to)} as {@link #dropoutMask(long, int, long, float, float[], int)} would, so
     * disjoint ranges can be filled in parallel. {@code from} must be a multiple of 4 (a block boundary).
     */
    public static void dropoutMask(long seed, int stream, long step, float keep, float[] mask, int from, int to) {
        if ((from & 3) != 0) {
            throw new IllegalArgumentException("dropout mask range must start at a multiple of 4, got " + from);
        }
        long threshold = keepThreshold(keep);
        float scale = 1f / keep;
        int[] w = new int[4];
        for (int base = from; base < to; base += 4) {
            block(base >>> 2, stream, (int) step, (int) (step >>> 32), (int) seed, (int) (seed >>> 32), w);
            int lim = Math.min(4, to - base);
            for (int j = 0; j < lim; j++) {
                mask[base + j] = Integer.toUnsignedLong(w[j]) < threshold ? scale : 0f;
            }
        }
    }
}
