/**
 * Optimizers, one class per update rule ({@link io.myelin.optim.Sgd}, {@link io.myelin.optim.Momentum},
 * {@link io.myelin.optim.RmsProp}, {@link io.myelin.optim.Adam}, {@link io.myelin.optim.Adamax}) on a base
 * {@link io.myelin.optim.Optimizer} that counts steps, keeps per-parameter state and runs the fused backend
 * update; each is made by its builder, or from a spec by {@link io.myelin.optim.Optimizer#fromConfig}.
 */
package io.myelin.optim;
