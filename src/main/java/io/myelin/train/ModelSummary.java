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
            long t = trainable(l);
            long f = total(l) - t;
            trainable += t;
            frozen += f;
            sb.append(String.format(fmt, l.name() + " (" + l.type() + ")", Shapes.describeBatch(l.outputShape()), t, f));
        }
        sb.append("-".repeat(width)).append('\n');
        sb.append(String.format("Total params: %d%nTrainable params: %d%nNon-trainable params: %d%n",
                trainable + frozen, trainable, frozen));
        return sb.toString();
    }

    /** A layer's values saved in its model file: parameters (of a frozen layer too) and buffers. */
    static long total(Layer l) {
        long n = 0;
        for (Parameter p : l.parameters()) {
            n += p.value().size();
        }
        for (Parameter p : l.buffers()) {
            n += p.value().size();
        }
        return n;
    }

    /** The values training changes: the parameters of a trainable layer. */
    static long trainable(Layer l) {
        if (!l.trainable()) {
            return 0;
        }
        long n = 0;
        for (Parameter p : l.parameters()) {
            n += p.value().size();
        }
        return n;
    }

    /**
     * One line for a log: the shape after each layer that changes it ({@code 784 -> 256 -> 128 -> 10}, images as
     * {@code (1, 28, 28) -> (32, 28, 28) -> ...}; activations, dropout and batch norm keep their input's shape
     * and are not repeated), then the counts of {@link #render}'s last lines: {@code , 235914 parameters (235146
     * trainable)}.
     */
    static String oneLine(Sequential model) {
        StringBuilder sb = new StringBuilder(shape(model.inputShape()));
        int[] previous = model.inputShape();
        long total = 0;
        long trainable = 0;
        for (Layer l : model.layers()) {
            if (!java.util.Arrays.equals(previous, l.outputShape())) {
                previous = l.outputShape();
                sb.append(" -> ").append(shape(previous));
            }
            total += total(l);
            trainable += trainable(l);
        }
        return sb.append(", ").append(total).append(" parameters (").append(trainable).append(" trainable)").toString();
    }

    private static String shape(int[] s) {
        return s.length == 1 ? Integer.toString(s[0]) : Shapes.describe(s);
    }
}
