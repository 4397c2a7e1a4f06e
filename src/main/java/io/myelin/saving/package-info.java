/**
 * Saving and loading models, above {@code io.myelin.train} (as Keras's {@code keras.saving}): a model's weights
 * in safetensors with PyTorch names and layouts ({@link io.myelin.saving.ModelFiles}, {@link
 * io.myelin.saving.InitialWeights}), its optimizer state ({@link io.myelin.saving.OptimizerFiles}), and
 * resumable checkpoints of weights, optimizer and training state ({@link io.myelin.saving.Checkpoints}, written
 * after every epoch by the {@link io.myelin.saving.ModelCheckpoint} callback). The formats and the commit
 * protocol themselves are {@code io.myelin.io}'s; {@code io.myelin.train} does not import this package.
 *
 * <pre>{@code
 * model.fit(train, cfg);
 * Checkpoints.save(model, dir);                   // weights, optimizer state, training state
 * ResumeState s = Checkpoints.load(fresh, dir);   // a model built from the same spec and seed
 * }</pre>
 */
package io.myelin.saving;
