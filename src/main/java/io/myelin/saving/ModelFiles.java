package io.myelin.saving;

import io.myelin.config.IoMessages;
import io.myelin.io.ModelFileException;
import io.myelin.io.NamedTensor;
import io.myelin.io.SafeTensors;
import io.myelin.io.SafeTensorsFile;
import io.myelin.nn.Parameter;
import io.myelin.train.Sequential;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Model weights in safetensors with PyTorch names and layouts: {@code dense_0.weight [out, in]},
 * {@code dense_0.bias [out]}, {@code batchnorm_0.weight/bias/running_mean/running_var [c]},
 * {@code prelu_0.weight [c]}. Dense kernels are transposed on the way out and back in. A checkpoint's
 * weights ({@link Checkpoints}) are such a file too.
 *
 * <pre>{@code
 * ModelFiles.saveWeights(model, dir.resolve("weights.safetensors"));
 * ModelFiles.loadInitialWeights(fresh, dir.resolve("weights.safetensors")).report().forEach(System.err::println);
 * }</pre>
 */
public final class ModelFiles {
    /** The metadata of every weights file Myelin writes (PyTorch's safetensors convention plus the producer). */
    static final Map<String, String> METADATA = Map.of("format", "pt", "producer", "myelin");

    private ModelFiles() {
    }

    /** Every named tensor of the model in file layout, in layer order. */
    public static Map<String, NamedTensor> exportTensors(Sequential model) {
        Map<String, NamedTensor> out = new LinkedHashMap<>();
        for (Parameter p : model.namedTensors()) {
            out.put(p.name(), new NamedTensor(p.name(), p.fileShape(), toFileLayout(p, p.value().toArray())));
        }
        return out;
    }

    /** The model's current tensors as a weights file, with the {@link #METADATA} every Myelin weights file has. */
    static SafeTensorsFile weightsFile(Sequential model) {
        return new SafeTensorsFile(exportTensors(model), METADATA);
    }

    /** Atomically writes the model's current tensors to {@code file} (no optimizer or training state). */
    public static void saveWeights(Sequential model, Path file) {
        SafeTensors.write(file, weightsFile(model));
    }

    /**
     * Replaces initialized tensors by name from a safetensors file (PyTorch layout). Every tensor in the file
     * must name a tensor of the model with the same shape; tensors the file lacks keep their values. A PyTorch
     * state dict's {@code <batchnorm>.num_batches_tracked} counters are skipped.
     *
     * @return which tensors were loaded, which the file lacks and which counters were skipped
     */
    public static InitialWeights loadInitialWeights(Sequential model, Path file) {
        SafeTensorsFile f = SafeTensors.read(file);
        prepareWeights(model, f, file, false).run();
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Parameter p : model.namedTensors()) {
            (f.tensors().containsKey(p.name()) ? loaded : missing).add(p.name());
        }
        List<String> ignored = f.tensors().keySet().stream().filter(n -> isStepCounter(model, n)).toList();
        return new InitialWeights(file, loaded, missing, ignored);
    }

    /** Whether {@code name} is PyTorch's {@code num_batches_tracked} of one of the model's batch-norm layers. */
    private static boolean isStepCounter(Sequential model, String name) {
        String suffix = ".num_batches_tracked";
        if (!name.endsWith(suffix)) {
            return false;
        }
        String runningMean = name.substring(0, name.length() - suffix.length()) + ".running_mean";
        return model.namedTensors().stream().anyMatch(p -> p.name().equals(runningMean));
    }

    /**
     * Checks every tensor of {@code f} against the model (names, shapes; with {@code requireAll} also that
     * no model tensor is missing; every value finite) and returns the action that copies them in, so that callers can check
     * several files before changing anything. Batch-norm step counters ({@code num_batches_tracked}) are skipped.
     */
    static Runnable prepareWeights(Sequential model, SafeTensorsFile f, Path file, boolean requireAll) {
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (Parameter p : model.namedTensors()) {
            byName.put(p.name(), p);
        }
        List<String> unknown = f.tensors().keySet().stream()
                .filter(n -> !byName.containsKey(n) && !isStepCounter(model, n)).toList();
        if (!unknown.isEmpty()) {
            throw new ModelFileException(file + ": tensor '" + unknown.get(0) + "' does not exist in the model"
                    + (unknown.size() == 1 ? "" : " (nor do " + (unknown.size() - 1) + " more of the file's: "
                            + IoMessages.quote(String.join(", ", unknown.subList(1, unknown.size())), 200) + ")")
                    + "; model tensors: " + byName.keySet());
        }
        // Shapes are compared in the model's layer order, so the first layer whose size differs is the one named.
        List<String> mismatched = new ArrayList<>();
        String first = null;
        for (Parameter p : byName.values()) {
            NamedTensor t = f.tensors().get(p.name());
            if (t != null && !Arrays.equals(t.shape(), p.fileShape())) {
                if (first == null) {
                    first = "tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape()) + " but the model expects "
                            + Arrays.toString(p.fileShape());
                } else {
                    mismatched.add(t.name());
                }
            }
        }
        if (first != null) {
            throw new ModelFileException(file + ": " + first + (mismatched.isEmpty() ? "" : " (and " + mismatched.size()
                    + " more tensor" + (mismatched.size() == 1 ? "" : "s") + " of another shape: "
                    + IoMessages.quote(String.join(", ", mismatched), 200) + ")")
                    + "; the file holds the weights of a model with other layer sizes than this one");
        }
        List<NamedTensor> used = new ArrayList<>();
        for (Parameter p : byName.values()) {
            NamedTensor t = f.tensors().get(p.name());
            if (t != null) {
                requireFinite(file, t);
                used.add(t);
            }
        }
        if (requireAll) {
            List<String> missing = new ArrayList<>(byName.keySet());
            missing.removeAll(f.tensors().keySet());
            if (!missing.isEmpty()) {
                throw new ModelFileException(file + ": the model's tensors " + missing + " are missing");
            }
        }
        return () -> {
            for (NamedTensor t : used) {
                Parameter p = byName.get(t.name());
                p.value().set(toModelLayout(p, t.data()));
            }
        };
    }

    /** Refuses a tensor holding NaN or an infinity, naming the file, the tensor and the first such index. */
    static void requireFinite(Path file, NamedTensor t) {
        float[] v = t.data();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new ModelFileException(file + ": tensor '" + t.name() + "' holds " + v[i] + " at index "
                        + index(i, t.shape()) + " (flat " + i + "); every value must be finite");
            }
        }
    }

    /** The flat index {@code i} as per-axis indices of {@code shape}: {@code [3, 17]}. */
    private static String index(int i, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : i % shape[d];
            i = shape[d] == 0 ? i : i / shape[d];
        }
        return Arrays.toString(idx);
    }

    /** File layout → the parameter's internal layout (Dense kernels are transposed). */
    static float[] toModelLayout(Parameter p, float[] v) {
        return p.fileLayoutTransposed() ? transpose(v, p.fileShape()[0], p.fileShape()[1]) : v;
    }

    /** The parameter's internal layout → file layout. */
    static float[] toFileLayout(Parameter p, float[] v) {
        return p.fileLayoutTransposed() ? transpose(v, p.value().rows(), p.value().cols()) : v;
    }

    /** (rows, cols) row-major → (cols, rows) row-major (Dense kernels ↔ PyTorch layout). */
    public static float[] transpose(float[] v, int rows, int cols) {
        float[] t = new float[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = v[r * cols + c];
            }
        }
        return t;
    }
}
