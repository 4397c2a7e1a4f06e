/**
 * Training callbacks: progress bar, CSV log, early stopping, LR schedules and the LR range test, gradient
 * health. The checkpoint callback is {@code io.myelin.saving.ModelCheckpoint}.
 */
package io.myelin.train.callbacks;
