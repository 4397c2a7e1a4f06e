package io.myelin.io;

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
 * {@code prelu_0.weight [c]}. Dense kernels are transposed on the way out and back in.
 *
 * <pre>{@code
 * ModelFiles.saveWeights(model, dir.resolve("weights.safetensors"));
 * }</pre>
 */
public final class ModelFiles {
    private ModelFiles() {
    }

    /** Every named tensor of the model in file layout, in layer order. */
    public static Map<String, NamedTensor> exportTensors(Sequential model) {
        Map<String, NamedTensor> out = new LinkedHashMap<>();
        for (Parameter p : model.namedTensors()) {
            float[] v = p.value().toArray();
            if (p.fileLayoutTransposed()) {
                v = transpose(v, p.value().rows(), p.value().cols());
            }
            out.put(p.name(), new NamedTensor(p.name(), p.fileShape(), v));
        }
        return out;
    }

    public static void saveWeights(Sequential model, Path file, Map<String, String> metadata) {
        SafeTensors.write(file, new SafeTensorsFile(exportTensors(model), metadata));
    }

    /**
     * Replaces initialized tensors by name from a safetensors file (PyTorch layout). Every tensor in the file
     * must name a tensor of the model with the same shape; tensors the file lacks keep their values.
     */
    public static List<String> loadInitialWeights(Sequential model, Path file) {
        SafeTensorsFile f = SafeTensors.read(file);
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (Parameter p : model.namedTensors()) {
            byName.put(p.name(), p);
        }
        List<String> replaced = new ArrayList<>();
        for (NamedTensor t : f.tensors().values()) {
            Parameter p = byName.get(t.name());
            if (p == null) {
                throw new ModelFileException(file + ": tensor '" + t.name() + "' does not exist in the model; "
                        + "model tensors: " + byName.keySet());
            }
            if (!Arrays.equals(t.shape(), p.fileShape())) {
                throw new ModelFileException(file + ": tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape())
                        + " but the model expects " + Arrays.toString(p.fileShape()));
            }
            float[] v = t.data();
            if (p.fileLayoutTransposed()) {
                v = transpose(v, p.fileShape()[0], p.fileShape()[1]);
            }
            p.value().set(v);
            replaced.add(t.name());
        }
        return replaced;
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
