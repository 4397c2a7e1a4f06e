package io.myelin.io;

import java.nio.ByteBuffer;

/**
 * The safetensors element types Myelin reads, each converted to float32 on load. F64 rounds to the
 * nearest float; I64 and I32 convert exactly up to magnitude 2^24 and round beyond (integer tensors such as
 * BatchNorm's {@code num_batches_tracked} are small counters).
 */
enum SafeTensorsDtype {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4);

    final int bytes;

    SafeTensorsDtype(int bytes) {
        this.bytes = bytes;
    }

    /** The dtype named {@code name} in a header, or null if Myelin does not read it. */
    static SafeTensorsDtype byName(String name) {
        for (SafeTensorsDtype d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** Reads {@code out.length} elements from a little-endian buffer positioned at the tensor's data. */
    void decode(ByteBuffer in, float[] out) {
        switch (this) {
            case F32 -> in.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) in.getDouble();
                }
            }
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = halfToFloat(in.getShort());
                }
            }
            case BF16 -> {
                // bfloat16 is the top half of a float32.
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat(in.getShort() << 16);
                }
            }
            case I64 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = in.getLong();
                }
            }
            case I32 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = in.getInt();
                }
            }
        }
    }

    /** IEEE 754 binary16 to float32, exact (Java 17 lacks Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Zero or subnormal: mantissa * 2^-24, exact in float32.
            float v = mantissa * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        // Rebias the exponent from 15 to 127.
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
    }
}
