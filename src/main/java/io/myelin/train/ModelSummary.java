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
        // The first two columns are as wide as their longest entry (at least 28 and 20), so long names stay aligned.
        int nameWidth = 28;
        int shapeWidth = 20;
        for (Layer l : model.layers()) {
            nameWidth = Math.max(nameWidth, l.name().length() + l.type().length() + 3);
            shapeWidth = Math.max(shapeWidth, Shapes.describeBatch(l.outputShape()).length());
        }
        String fmt = "%-" + nameWidth + "s %-" + shapeWidth + "s %12s %14s%n";
        int width = nameWidth + shapeWidth + 29;
        sb.append(String.format(fmt, "Layer (type)", "Output shape", "Trainable", "Non-trainable"));
        sb.append("-".repeat(width)).append('\n');
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
        sb.append("-".repeat(width)).append('\n');
        sb.append(String.format("Total params: %d%nTrainable params: %d%nNon-trainable params: %d%n",
                trainable + frozen, trainable, frozen));
        return sb.toString();
    }
}
