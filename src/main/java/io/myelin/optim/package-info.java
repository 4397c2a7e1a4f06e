/** Optimizers: hyperparameters, step counting and per-parameter state; updates are fused backend ops. */
package io.myelin.optim;
