package io.myelin.nn;

/**
 * What a layer needs to know about the pass it runs in: training or inference, and the counters that
 * key dropout masks (seed, step) so every backend draws the same mask.
 *
 * @param training  training mode (dropout active, batch norm uses batch statistics)
 * @param mcDropout dropout active at inference (Monte-Carlo dropout); batch norm stays in inference mode
 * @param seed      the model's seed
 * @param step      global training step (or MC-dropout pass number)
 * @param skipFinalSoftmax when true a softmax layer returns logits (the loss fuses softmax + cross-entropy)
 */
public record ForwardContext(boolean training, boolean mcDropout, long seed, long step, boolean skipFinalSoftmax) {
    public static ForwardContext inference() {
        return new ForwardContext(false, false, 0, 0, false);
    }

    public ForwardContext withSkipFinalSoftmax(boolean skip) {
        return new ForwardContext(training, mcDropout, seed, step, skip);
    }

    /** True when dropout layers drop units in this pass. */
    public boolean dropoutActive() {
        return training || mcDropout;
    }
}
