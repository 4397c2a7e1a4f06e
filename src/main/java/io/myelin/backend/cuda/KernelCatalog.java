package io.myelin.backend.cuda;

import io.myelin.backend.Activation;
import io.myelin.backend.BinaryOp;
import io.myelin.backend.OptimizerKind;
import io.myelin.backend.ReduceOp;
import io.myelin.backend.UnaryOp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every kernel the launchers use, named in one place: the backend looks them all up when it starts,
 * and a test checks each against {@code kernels/*.cu}, so a misspelt name fails the build, not a run.
 *
 * <pre>{@code
 * Kernel relu = KernelCatalog.activationForward(Activation.RELU); // activations/relu_fwd_f32
 * }</pre>
 */
final class KernelCatalog {
    static final String ELEMENTWISE = "elementwise";
    static final String ACTIVATIONS = "activations";
    static final String SOFTMAX = "softmax";
    static final String REDUCE = "reduce";
    static final String DROPOUT = "dropout";
    static final String BATCHNORM = "batchnorm";
    static final String OPTIMIZER = "optimizer";
    static final String GATHER = "gather";
    static final String CONV = "conv";
    static final String POOL = "pool";

    /** The fatbin modules, one per {@code kernels/<module>.cu}. */
    static final List<String> MODULES = List.of(ELEMENTWISE, ACTIVATIONS, SOFTMAX, REDUCE, DROPOUT, BATCHNORM,
            OPTIMIZER, GATHER, CONV, POOL);

    private KernelCatalog() {
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    static Kernel unary(UnaryOp op) {
        return new Kernel(ELEMENTWISE, "unary_" + lower(op) + "_f32");
    }

    static Kernel binary(BinaryOp op) {
        return new Kernel(ELEMENTWISE, "binary_" + lower(op) + "_f32");
    }

    static Kernel activationForward(Activation act) {
        return new Kernel(ACTIVATIONS, lower(act) + "_fwd_f32");
    }

    static Kernel activationBackward(Activation act) {
        return new Kernel(ACTIVATIONS, lower(act) + "_bwd_f32");
    }

    static Kernel preluForward() {
        return new Kernel(ACTIVATIONS, "prelu_fwd_f32");
    }

    static Kernel preluBackward() {
        return new Kernel(ACTIVATIONS, "prelu_bwd_f32");
    }

    static Kernel softmax() {
        return new Kernel(SOFTMAX, "softmax_fwd_f32");
    }

    static Kernel softmaxCrossEntropy(boolean sparse) {
        return new Kernel(SOFTMAX, sparse ? "softmax_xent_sparse_fwd_f32" : "softmax_xent_fwd_f32");
    }

    static Kernel softmaxCrossEntropyBackward(boolean sparse) {
        return new Kernel(SOFTMAX, sparse ? "softmax_xent_sparse_bwd_f32" : "softmax_xent_bwd_f32");
    }

    static Kernel reduce(ReduceOp op, int axis) {
        return new Kernel(REDUCE, "reduce_" + lower(op) + "_axis" + axis + "_f32");
    }

    static Kernel dropoutMask() {
        return new Kernel(DROPOUT, "dropout_mask_f32");
    }

    static Kernel batchNormTrain() {
        return new Kernel(BATCHNORM, "batchnorm_train_fwd_f32");
    }

    static Kernel batchNormInfer() {
        return new Kernel(BATCHNORM, "batchnorm_infer_f32");
    }

    static Kernel batchNormBackward() {
        return new Kernel(BATCHNORM, "batchnorm_bwd_f32");
    }

    static Kernel optimizer(OptimizerKind kind) {
        return new Kernel(OPTIMIZER, lower(kind) + "_update_f32");
    }

    static Kernel gatherRows() {
        return new Kernel(GATHER, "gather_rows_f32");
    }

    // ---------------------------------------------------------------- convolution and pooling

    static Kernel im2col() {
        return new Kernel(CONV, "im2col_f32");
    }

    static Kernel col2im() {
        return new Kernel(CONV, "col2im_f32");
    }

    static Kernel convScatter() {
        return new Kernel(CONV, "conv_scatter_f32");
    }

    static Kernel convGather() {
        return new Kernel(CONV, "conv_gather_f32");
    }

    static Kernel convBiasGrad() {
        return new Kernel(CONV, "conv_bias_grad_f32");
    }

    static Kernel maxPoolForward() {
        return new Kernel(POOL, "maxpool_fwd_f32");
    }

    static Kernel maxPoolBackward() {
        return new Kernel(POOL, "maxpool_bwd_f32");
    }

    static Kernel avgPoolForward() {
        return new Kernel(POOL, "avgpool_fwd_f32");
    }

    static Kernel avgPoolBackward() {
        return new Kernel(POOL, "avgpool_bwd_f32");
    }

    static Kernel batchTranspose() {
        return new Kernel(POOL, "batch_transpose_f32");
    }

    /** Every kernel above, for eager lookup at start-up and for the name test. */
    static List<Kernel> all() {
        List<Kernel> all = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            all.add(unary(op));
        }
        for (BinaryOp op : BinaryOp.values()) {
            all.add(binary(op));
        }
        for (Activation act : Activation.values()) {
            all.add(activationForward(act));
            all.add(activationBackward(act));
        }
        all.add(preluForward());
        all.add(preluBackward());
        all.add(softmax());
        for (boolean sparse : new boolean[] {false, true}) {
            all.add(softmaxCrossEntropy(sparse));
            all.add(softmaxCrossEntropyBackward(sparse));
        }
        for (ReduceOp op : ReduceOp.values()) {
            all.add(reduce(op, 0));
            all.add(reduce(op, 1));
        }
        all.add(dropoutMask());
        all.add(batchNormTrain());
        all.add(batchNormInfer());
        all.add(batchNormBackward());
        for (OptimizerKind kind : OptimizerKind.values()) {
            all.add(optimizer(kind));
        }
        all.add(gatherRows());
        all.addAll(List.of(im2col(), col2im(), convScatter(), convGather(), convBiasGrad(), maxPoolForward(),
                maxPoolBackward(), avgPoolForward(), avgPoolBackward(), batchTranspose()));
        return all;
    }

    /** Class-path resource of a module's fatbin, relative to this package. */
    static String resource(String module) {
        return module + ".fatbin";
    }
}
