/**
 * Model-file IO: atomic file writes ({@link io.myelin.io.AtomicFiles}), the safetensors weight format
 * ({@link io.myelin.io.SafeTensors}), optimizer state files ({@link io.myelin.io.OptimizerFiles}) and resumable
 * checkpoints ({@link io.myelin.io.Checkpoints}), on plain host {@code float[]} arrays.
 *
 * <p>Weights are stored with PyTorch-compatible names and layouts (a Dense weight {@code [out, in]}), so a
 * file moves both ways between Myelin and PyTorch. A malformed file raises a
 * {@link io.myelin.io.ModelFileException} naming the file and the tensor.
 *
 * <pre>{@code
 * SafeTensors.write(dir.resolve("weights.safetensors"), SafeTensorsFile.of(List.of(weight, bias), Map.of()));
 * SafeTensorsFile back = SafeTensors.read(dir.resolve("weights.safetensors"));
 * }</pre>
 */
package io.myelin.io;
