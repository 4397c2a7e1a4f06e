/**
 * File formats and file mechanics, on plain host {@code float[]} arrays and knowing nothing of models: the
 * safetensors weight format ({@link io.myelin.io.SafeTensors}, {@link io.myelin.io.NamedTensor}), atomic file
 * writes ({@link io.myelin.io.AtomicFiles}), the checkpoint commit protocol and its manifest ({@link
 * io.myelin.io.CheckpointCommit}, {@link io.myelin.io.CheckpointManifest}), fault injection for testing it
 * ({@link io.myelin.io.FaultInjection}) and the errors of reading and writing ({@link
 * io.myelin.io.ModelFileException}, {@link io.myelin.io.OutputWriteException}). What maps a model's tensors to
 * these files is {@code io.myelin.saving}, above the model.
 *
 * <p>A malformed file raises a {@link io.myelin.io.ModelFileException} naming the file and the tensor.
 *
 * <pre>{@code
 * SafeTensors.write(dir.resolve("weights.safetensors"), SafeTensorsFile.of(List.of(weight, bias), Map.of()));
 * SafeTensorsFile back = SafeTensors.read(dir.resolve("weights.safetensors"));
 * }</pre>
 */
package io.myelin.io;
