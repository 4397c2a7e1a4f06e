package io.myelin.saving;

import io.myelin.io.ModelFileException;
import io.myelin.io.NamedTensor;
import io.myelin.io.SafeTensorsFile;
import io.myelin.nn.Parameter;
import io.myelin.optim.Optimizer;
import io.myelin.tensor.Scope;
import io.myelin.tensor.Tensor;
import io.myelin.train.Sequential;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The optimizer's state as safetensors ({@code optimizer.safetensors}): one tensor per parameter and state
 * slot, named {@code <parameter>.<slot>} in the weights file's layout ({@code dense_0.weight.m [out, in]},
 * {@code dense_0.bias.v [out]}); slots are {@code velocity} (momentum, Nesterov), {@code square_avg}
 * (RMSprop), {@code m} and {@code v} (Adam, AdamW), {@code m} and {@code u} (AdaMax); plain SGD has none.
 * The {@code __metadata__} strings hold what else the next update needs:
 * <pre>
 *   format         "myelin-optimizer"      format_version  "1"
 *   optimizer      sgd | momentum | nesterov | rmsprop | adam | adamax
 *   step           updates taken (the t of bias correction)
 *   lr, momentum   the current values (schedules and reduce-on-plateau change them), exact float32 text
 * </pre>
 * Fixed hyperparameters (betas, eps, weight decay, clipnorm) come from the model's spec. Loading is strict:
 * the optimizer kind must match, every tensor must name a trainable parameter and slot with the
 * parameter's shape, and once a step was taken every trainable parameter must have all its slots.
 *
 * <pre>{@code
 * SafeTensors.write(dir.resolve("optimizer.safetensors"), OptimizerFiles.export(model));   // Checkpoints.save does this
 * }</pre>
 */
public final class OptimizerFiles {
    /** The {@code format} metadata value. */
    public static final String FORMAT = "myelin-optimizer";
    public static final String FORMAT_VERSION = "1";

    private OptimizerFiles() {
    }

    /** The model's optimizer state in file layout, with the metadata above. */
    public static SafeTensorsFile export(Sequential model) {
        Optimizer opt = model.optimizer();
        List<String> slots = opt.stateNames();
        Map<String, NamedTensor> tensors = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            for (int i = 0; i < slots.size(); i++) {
                Tensor s = p.state(i);
                if (s != null) {
                    String name = p.name() + "." + slots.get(i);
                    tensors.put(name, new NamedTensor(name, p.fileShape(), ModelFiles.toFileLayout(p, s.toArray())));
                }
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", FORMAT_VERSION);
        meta.put("optimizer", kindName(opt));
        meta.put("step", Long.toString(opt.steps()));
        meta.put("lr", Float.toString(opt.learningRate()));
        meta.put("momentum", Float.toString(opt.momentum()));
        return new SafeTensorsFile(tensors, meta);
    }

    /**
     * Checks {@code f} against the model (see the class comment) and returns the action that replaces the
     * optimizer's state, so that {@link Checkpoints#load} can check every file before it changes anything.
     */
    static Runnable prepare(Sequential model, SafeTensorsFile f, Path file) {
        Optimizer opt = model.optimizer();
        Map<String, String> meta = f.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new ModelFileException(file + " is not an optimizer state file (metadata format is "
                    + meta.get("format") + ", expected " + FORMAT + ")");
        }
        if (!FORMAT_VERSION.equals(meta.get("format_version"))) {
            throw new ModelFileException(file + ": optimizer state format_version " + meta.get("format_version")
                    + " is not supported (this myelin reads " + FORMAT_VERSION + ")");
        }
        if (!kindName(opt).equals(meta.get("optimizer"))) {
            throw new ModelFileException(file + " holds " + meta.get("optimizer") + " state but the model's optimizer is "
                    + kindName(opt));
        }
        long step = parseLong(meta, "step", file);
        float lr = parseFloat(meta, "lr", file);
        if (!(lr > 0 && Float.isFinite(lr))) {
            throw new ModelFileException(file + ": metadata 'lr' must be a positive number, got " + meta.get("lr"));
        }
        float momentum = parseFloat(meta, "momentum", file);
        if (!(momentum >= 0 && Float.isFinite(momentum))) {
            throw new ModelFileException(file + ": metadata 'momentum' must be a finite number >= 0, got "
                    + meta.get("momentum"));
        }
        List<String> slots = opt.stateNames();
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            byName.put(p.name(), p);
        }
        for (NamedTensor t : f.tensors().values()) {
            int dot = t.name().lastIndexOf('.');
            Parameter p = dot < 0 ? null : byName.get(t.name().substring(0, dot));
            if (p == null || !slots.contains(t.name().substring(dot + 1))) {
                throw new ModelFileException(file + ": tensor '" + t.name() + "' is not a state of the model's "
                        + kindName(opt) + " optimizer; expected <parameter>.<" + String.join("|", slots)
                        + "> with parameters " + byName.keySet());
            }
            if (!Arrays.equals(t.shape(), p.fileShape())) {
                throw new ModelFileException(file + ": tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape())
                        + " but parameter " + p.name() + " has shape " + Arrays.toString(p.fileShape()));
            }
            ModelFiles.requireFinite(file, t);
        }
        if (step > 0) {
            List<String> missing = new ArrayList<>();
            for (Parameter p : byName.values()) {
                for (String slot : slots) {
                    if (p.value().requiresGrad() && !f.tensors().containsKey(p.name() + "." + slot)) {
                        missing.add(p.name() + "." + slot);
                    }
                }
            }
            if (!missing.isEmpty()) {
                throw new ModelFileException(file + ": optimizer state " + missing + " is missing (the file is at step "
                        + step + ")");
            }
        }
        return () -> {
            for (Parameter p : byName.values()) {
                for (int i = 0; i < slots.size(); i++) {
                    NamedTensor t = f.tensors().get(p.name() + "." + slots.get(i));
                    Tensor w = p.value();
                    p.setState(i, t == null ? null
                            : Scope.unscoped(() -> Tensor.of(w.backend(), ModelFiles.toModelLayout(p, t.data()), w.shape())));
                }
            }
            opt.setSteps(step);
            opt.setLearningRate(lr);
            opt.setMomentum(momentum);
        };
    }

    private static String kindName(Optimizer opt) {
        return opt.kind().name().toLowerCase(Locale.ROOT);
    }

    private static long parseLong(Map<String, String> meta, String key, Path file) {
        try {
            long v = Long.parseLong(String.valueOf(meta.get(key)));
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ModelFileException(file + ": metadata '" + key + "' must be a count >= 0, got " + meta.get(key));
    }

    private static float parseFloat(Map<String, String> meta, String key, Path file) {
        try {
            return Float.parseFloat(String.valueOf(meta.get(key)));
        } catch (NumberFormatException e) {
            throw new ModelFileException(file + ": metadata '" + key + "' must be a number, got " + meta.get(key));
        }
    }
}
