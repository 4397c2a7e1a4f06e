package io.myelin.backend;

/** The fused optimizer updates of FEATURES.md; formulas in {@link OptimizerUpdate}. */
public enum OptimizerKind {
    /** {@code w -= lr*g}. */
    SGD,
    /** {@code v = mu*v + g; w -= lr*v} (or the EWA form {@code v = mu*v + (1-mu)*g}, see {@link OptimizerUpdate#ewa}). */
    MOMENTUM,
    /** {@code v = mu*v + g; w -= lr*(g + mu*v)}. */
    NESTEROV,
    /** {@code s = rho*s + (1-rho)*g^2; w -= lr*g/(sqrt(s)+eps)}. */
    RMSPROP,
    /** Adam with bias correction; {@code weightDecay} is decoupled (AdamW) when non-zero. */
    ADAM,
    /** {@code m} as Adam; {@code u = max(b2*u, |g|); w -= (lr/(1-b1^t))*m/(u+eps)}. */
    ADAMAX,
}
