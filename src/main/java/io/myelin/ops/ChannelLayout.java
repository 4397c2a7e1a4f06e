package io.myelin.ops;

import io.myelin.autograd.Grads;
import io.myelin.autograd.Tape;
import io.myelin.backend.Backend;
import io.myelin.tensor.Tensor;

/**
 * Channels-first (n, C*P) and channels-last (n*P, C) views of a batch of images with P = H*W positions,
 * differentiable both ways (each one's backward is the other). Per-channel batch norm runs the 2-D batch
 * norm on the channels-last form, which has one column per channel.
 */
public final class ChannelLayout {
    private ChannelLayout() {
    }

    /** (n, C*P) -> (n*P, C). */
    public static Tensor toChannelsLast(Tensor x, int channels, int positions) {
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, x.rows() * positions, channels);
        be.batchTranspose(x, channels, positions, y);
        if (Tape.recording(x)) {
            Tape.record(y, () -> Grads.add(x, dx -> be.batchTranspose(y.grad(), positions, channels, dx)));
        }
        return y;
    }

    /** (n*P, C) -> (n, C*P). */
    public static Tensor toChannelsFirst(Tensor x, int channels, int positions) {
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, x.rows() / positions, channels * positions);
        be.batchTranspose(x, positions, channels, y);
        if (Tape.recording(x)) {
            Tape.record(y, () -> Grads.add(x, dx -> be.batchTranspose(y.grad(), channels, positions, dx)));
        }
        return y;
    }
}
