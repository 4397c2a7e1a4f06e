/** Training callbacks: progress bar, early stopping, checkpoints, LR schedules, gradient health. */
package io.myelin.train.callbacks;
