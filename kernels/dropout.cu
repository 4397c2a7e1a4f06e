// Inverted-dropout mask from Philox4x32-10, bit-identical to io.myelin.random.Philox#dropoutMask.
#include "common.cuh"

// dropout_mask_f32: mask (n elements) = scale where kept, 0 where dropped. Element i uses word i%4 of
// the block with counter (i/4, stream, stepLo, stepHi) and key (seedLo, seedHi); it is kept iff the
// word, as an unsigned 32-bit value, is below threshold = floor(keep*2^32) (2^32 keeps everything, so
// threshold is 64-bit). scale = 1/keep, computed on the host in float like the CPU backend.
// Launch: elementwise over ceil(n/4) blocks of 4 words, block 256, grid-stride; each thread writes 4.
extern "C" __global__ void dropout_mask_f32(float* mask, int n, unsigned int seedLo, unsigned int seedHi,
                                            unsigned int stream, unsigned int stepLo, unsigned int stepHi,
                                            unsigned long long threshold, float scale) {
    const long long blocks = ((long long)n + 3) / 4;
    MYELIN_FOR_EACH(b, blocks) {
        const philox4 r = philox4x32_10((unsigned int)b, stream, stepLo, stepHi, seedLo, seedHi);
        const long long base = b * 4;
        float v[4];
#pragma unroll
        for (int j = 0; j < 4; j++) v[j] = (unsigned long long)r.w[j] < threshold ? scale : 0.0f;
        if (base + 3 < n) {
            // mask comes from the allocator (256-byte aligned), so 4*b floats are 16-byte aligned
            reinterpret_cast<float4*>(mask)[b] = make_float4(v[0], v[1], v[2], v[3]);
        } else {
            for (int j = 0; base + j < n; j++) mask[base + j] = v[j];
        }
    }
}
