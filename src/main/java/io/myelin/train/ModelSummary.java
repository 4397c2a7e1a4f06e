package io.myelin.train;

import io.myelin.nn.Layer;
import io.myelin.nn.Parameter;
import io.myelin.nn.Shapes;

/** Renders {@link Sequential#summary()}: each layer, its output shape and trainable / non-trainable counts. */
final class ModelSummary {
    private ModelSummary() {
    }

    static String render(Sequential model) {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-28s %-20s %12s %14s%n";
        sb.append(String.format(fmt, "Layer (type)", "Output shape", "Trainable", "Non-trainable"));
        sb.append("-".repeat(77)).append('\n');
        long trainable = 0;
        long frozen = 0;
        for (Layer l : model.layers()) {
            long t = 0;
            long f = 0;
            for (Parameter p : l.parameters()) {
                if (l.trainable()) {
                    t += p.value().size();
                } else {
                    f += p.value().size();
                }
            }
            for (Parameter p : l.buffers()) {
                f += p.value().size();
            }
            trainable += t;
            frozen += f;
            sb.append(String.format(fmt, l.name() + " (" + l.type() + ")", Shapes.describeBatch(l.outputShape()), t, f));
        }
        sb.append("-".repeat(77)).append('\n');
        sb.append(String.format("Total params: %d%nTrainable params: %d%nNon-trainable params: %d%n",
                trainable + frozen, trainable, frozen));
        return sb.toString();
    }
}
