package io.myelin.train;

import io.myelin.backend.Backend;
import io.myelin.nn.Dense;
import io.myelin.testing.UseBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSpecTest {
    @UseBackend("cpu")
    private static Backend cpu;

    private static final String ISSUE_SPEC = """
            {"input_shape": [6],
             "layers": [{"type": "dense", "units": 8, "activation": "tanh"},
                        {"type": "batchnorm", "momentum": 0.9, "epsilon": 1e-5},
                        {"type": "activation", "activation": "relu"},
                        {"type": "dropout", "rate": 0.2},
                        {"type": "dense", "units": 3, "activation": "softmax"}],
             "loss": "sparse_categorical_crossentropy",
             "optimizer": {"type": "adam", "lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7}}""";

    @Test
    void theIssueExampleBuilds() {
        try (Sequential m = ModelSpec.parse(ISSUE_SPEC, "spec.json").build(cpu, 1)) {
            assertEquals(5, m.layers().size());
            assertEquals(3, m.outputFeatures());
            assertEquals(0.01f, m.optimizer().learningRate());
            assertTrue(m.fusesSoftmax());
            assertEquals("tanh", ((Dense) m.layers().get(0)).activation().specName());
        }
    }

    /**
     * The shapes found without a backend ({@link ModelSpec#outputShape}, {@link io.myelin.nn.Layer#outputShapeFor})
     * are the shapes building gives, layer by layer, for every layer type, padding and stride.
     */
    @Test
    void shapesFoundWithoutABackendAreTheBuiltShapes() {
        String[] specs = {
            ISSUE_SPEC,
            "{\"input_shape\": [10], \"layers\": [{\"type\": \"prelu\"}, {\"type\": \"flatten\"}, "
                    + "{\"type\": \"dense\", \"units\": 1}], \"loss\": \"mse\"}",
            "{\"input_shape\": [3, 13, 11], \"layers\": ["
                    + "{\"type\": \"conv2d\", \"filters\": 5, \"kernel_size\": [3, 2], \"strides\": [2, 1]},"
                    + "{\"type\": \"batchnorm\"}, {\"type\": \"prelu\"}, {\"type\": \"dropout\", \"rate\": 0.1},"
                    + "{\"type\": \"conv2d\", \"filters\": 4, \"kernel_size\": 3, \"padding\": \"same\", \"strides\": 2},"
                    + "{\"type\": \"maxpool2d\", \"pool_size\": 2, \"strides\": 1},"
                    + "{\"type\": \"avgpool2d\", \"pool_size\": [2, 3], \"padding\": \"same\"},"
                    + "{\"type\": \"activation\", \"activation\": \"relu\"}, {\"type\": \"flatten\"},"
                    + "{\"type\": \"dense\", \"units\": 7, \"activation\": \"softmax\"}],"
                    + "\"loss\": \"sparse_categorical_crossentropy\"}",
            "{\"input_shape\": [2, 9, 9], \"layers\": [{\"type\": \"maxpool2d\", \"pool_size\": 3, \"padding\": \"same\", "
                    + "\"strides\": 2}, {\"type\": \"global_avgpool2d\"}, {\"type\": \"dense\", \"units\": 4}],"
                    + "\"loss\": \"mse\"}"};
        for (String json : specs) {
            ModelSpec spec = ModelSpec.parse(json, "s.json");
            try (Sequential m = spec.build(cpu, 1)) {
                int[] shape = spec.inputShape();
                for (io.myelin.nn.Layer layer : m.layers()) {
                    int[] found = layer.outputShapeFor(shape);
                    assertEquals(java.util.Arrays.toString(layer.outputShape()), java.util.Arrays.toString(found),
                            layer.name() + " on " + java.util.Arrays.toString(shape));
                    shape = found;
                }
                assertEquals(java.util.Arrays.toString(m.outputShape()), java.util.Arrays.toString(spec.outputShape()));
            }
        }
    }

    private static void has(String actual, String fragment) {
        assertTrue(actual.contains(fragment), actual);
    }

    private static void has(String actual, String fragment, String why) {
        assertTrue(actual.contains(fragment), why + ": " + actual);
    }

    private static String error(String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.parse(json, "s.json").build(cpu, 1).close());
        return e.getMessage();
    }

    @Test
    void mistakesNameTheirPlace() {
        assertEquals("s.json: layer 2 (activation): unknown activation \"relux\"; did you mean \"relu\"? known: "
                        + String.join(", ", io.myelin.nn.ActivationFunction.spellings()),
                error(ISSUE_SPEC.replace("\"relu\"", "\"relux\"")));
        has(error(ISSUE_SPEC.replace("\"dropout\"", "\"droput\"")), 
                "s.json: layer 3: unknown layer type \"droput\"; did you mean \"dropout\"?");
        has(error(ISSUE_SPEC.replace("\"rate\": 0.2", "\"rate\": 1.5")), 
                "layer 3 (dropout): dropout rate must be in [0, 1), got 1.5");
        has(error(ISSUE_SPEC.replace("sparse_categorical_crossentropy", "crossentropy")), "s.json: unknown loss \"crossentropy\"");
        has(error(ISSUE_SPEC.replace("\"adam\"", "\"adagrad\"")), 
                "s.json: optimizer: unknown optimizer \"adagrad\"; known: sgd, momentum, nesterov, rmsprop, adam, adamw, adamax");
        has(error(ISSUE_SPEC.replace("\"lr\": 0.01", "\"lr\": -1")), "lr must be a positive number");
        has(error(ISSUE_SPEC.replace("\"units\": 8, ", "")), "layer 0 (dense): \"units\" is required");
        has(error("{\"input_shape\": [6], \"layers\": ["), "s.json: invalid JSON at line 1");
        assertEquals("s.json: unknown key \"los\"; did you mean \"loss\"? known keys: input_shape, normalization, "
                + "layers, loss, optimizer, lr_schedule, metrics", error(ISSUE_SPEC.replace("\"loss\"", "\"los\"")));
        has(error(ISSUE_SPEC.replace("\"loss\"", "\"normalization\": \"zscore\", \"loss\"")), "s.json: unknown normalization \"zscore\"; did you mean \"z_score\"? known: min_max, z_score, none");
    }

    /** The typos of the issue, each in a different kind of spec object: all refused, naming key and place. */
    @Test
    void typosInEveryObjectAreRefused() {
        assertEquals("s.json: layer 0 (dense): unknown key \"activaton\"; did you mean \"activation\"? known keys: type, "
                        + "units, activation, activation_param, use_bias, kernel_initializer, kernel_initializer_params, "
                        + "bias_initializer, bias_initializer_params, l1, l2, name, trainable",
                error(ISSUE_SPEC.replace("\"activation\": \"tanh\"", "\"activaton\": \"tanh\"")));
        has(error(ISSUE_SPEC.replace("\"rate\"", "\"rat\"")), 
                "s.json: layer 3 (dropout): unknown key \"rat\"; did you mean \"rate\"? known keys: type, rate, name, trainable");
        has(error(ISSUE_SPEC.replace("\"epsilon\"", "\"epsilom\"")), 
                "layer 1 (batchnorm): unknown key \"epsilom\"; did you mean \"epsilon\"?");
        has(error(ISSUE_SPEC.replace("\"type\": \"activation\", \"activation\": \"relu\"",
                "\"type\": \"activation\", \"activation\": \"relu\", \"units\": 3")), 
                "layer 2 (activation): unknown key \"units\"; known keys: type, activation, activation_param, name, trainable");
        assertEquals("s.json: optimizer: unknown key \"learning_rate\"; did you mean \"lr\"? known keys: type, lr, beta1, "
                + "beta2, eps, weight_decay, clipnorm", error(ISSUE_SPEC.replace("\"lr\"", "\"learning_rate\"")));
        has(error(ISSUE_SPEC.replace("{\"type\": \"adam\", \"lr\": 0.01,", "{\"type\": \"sgd\", \"momentun\": 0.9,")), "optimizer: unknown key \"momentun\"; did you mean \"momentum\"?");
        has(error(ISSUE_SPEC.replace("\"beta1\": 0.9,", "\"momentum\": 0.9,")), "optimizer: unknown key \"momentum\"; known keys: type, lr, beta1", "adam takes no momentum");
        String huber = ISSUE_SPEC.replace("\"sparse_categorical_crossentropy\"", "{\"type\": \"huber\", \"detla\": 2}")
                .replace("\"softmax\"", "\"linear\"");
        assertEquals("s.json: loss: unknown key \"detla\"; did you mean \"delta\"? known keys: type, delta", error(huber));
        String schedule = ISSUE_SPEC.replace("\"loss\"", "\"lr_schedule\": {\"type\": \"step_decay\", \"evrey\": 3}, \"loss\"");
        assertEquals("s.json: lr_schedule: unknown key \"evrey\"; did you mean \"every\"? known keys: type, factor, every, "
                + "warmup_steps", error(schedule));
        assertEquals("s.json: lr_schedule (step_decay): every must be >= 1 epoch, got 0",
                error(schedule.replace("\"evrey\": 3", "\"every\": 0")));
        assertEquals("s.json: optimizer: ewa is a form of classic momentum only, not of nesterov: for the EWA form "
                + "use {\"type\": \"momentum\", \"ewa\": true}, or leave ewa out for nesterov", error(ISSUE_SPEC.replace(
                "{\"type\": \"adam\", \"lr\": 0.01, \"beta1\": 0.9, \"beta2\": 0.999, \"eps\": 1e-7}",
                "{\"type\": \"nesterov\", \"ewa\": true}")));
        String init = ISSUE_SPEC.replace("\"activation\": \"tanh\"", "\"activation\": \"tanh\", "
                + "\"kernel_initializer\": \"random_normal\", \"kernel_initializer_params\": {\"stdev\": 0.1}");
        assertEquals("s.json: layer 0 (dense), kernel_initializer_params: unknown key \"stdev\"; did you mean \"stddev\"? "
                + "known keys: mean, stddev", error(init));
        has(error(ISSUE_SPEC.replace("\"activation\": \"tanh\"", "\"activation\": \"tanh\", \"kernel_initializer\": \"he_norml\"")), "layer 0 (dense): unknown initializer \"he_norml\"; did you mean \"he_normal\"?");
        has(error(ISSUE_SPEC.replace("\"loss\"", "\"metrics\": [\"acuracy\"], \"loss\"")), "s.json: metrics[0]: unknown metric \"acuracy\"; did you mean \"accuracy\"?");
    }

    @Test
    void numbersAndTypesAreChecked() {
        assertEquals("s.json: layer 0 (dense): \"units\" must be an integer, got 32.7",
                error(ISSUE_SPEC.replace("\"units\": 8", "\"units\": 32.7")));
        assertEquals("s.json: layer 0 (dense): \"units\" is too large: 1e12 (at most 2147483647)",
                error(ISSUE_SPEC.replace("\"units\": 8", "\"units\": 1e12")));
        has(error(ISSUE_SPEC.replace("\"units\": 8", "\"units\": 1e400")), "\"units\" is too large: 1e400");
        assertEquals("s.json: layer 1 (batchnorm): \"momentum\" must be a number, got the string \"0.9\"",
                error(ISSUE_SPEC.replace("\"momentum\": 0.9", "\"momentum\": \"0.9\"")));
        assertEquals("s.json: layer 1 (batchnorm): \"center\" must be true or false, got the string \"true\"",
                error(ISSUE_SPEC.replace("\"momentum\": 0.9", "\"center\": \"true\"")));
        assertEquals("s.json: layer 0 (dense): \"trainable\" must be true or false, got the string \"false\"",
                error(ISSUE_SPEC.replace("\"units\": 8", "\"units\": 8, \"trainable\": \"false\"")));
        has(error(ISSUE_SPEC.replace("{\"type\": \"adam\", \"lr\": 0.01, \"beta1\": 0.9, \"beta2\": 0.999, \"eps\": 1e-7}",
                "[\"adam\"]")), "s.json: \"optimizer\" must be a name or an object");
        has(error(ISSUE_SPEC.replace("\"optimizer\": {", "\"optimizer\": 3, \"x\": {")), "\"optimizer\" must be a name or an object");
        assertEquals("s.json: \"input_shape\"[0] must be an integer, got 6.5", error(ISSUE_SPEC.replace("[6]", "[6.5]")));
        assertEquals("s.json: \"input_shape\" entries must be positive integers, got 0 at [1]",
                error(ISSUE_SPEC.replace("[6]", "[6, 0]")));
        has(error(ISSUE_SPEC.replace("[6]", "[65536, 65536]")), "has more than 2147483647 features");
        assertEquals("s.json: \"input_shape\" must be a list, got 6", error(ISSUE_SPEC.replace("[6]", "6")));
        assertEquals("s.json: layer 1: must be a JSON object, got the string \"batchnorm\"",
                error(ISSUE_SPEC.replace("{\"type\": \"batchnorm\", \"momentum\": 0.9, \"epsilon\": 1e-5}", "\"batchnorm\"")));
        has(error(ISSUE_SPEC.replace("\"activation\": \"tanh\"", "\"activation\": \"tanh\", "
                + "\"kernel_initializer\": \"zeros\", \"kernel_initializer_params\": \"x\"")), "layer 0 (dense): \"kernel_initializer_params\" must be a JSON object, got the string \"x\"");
        has(error(ISSUE_SPEC.replace("\"units\": 8,", "\"units\": 8, \"units\": 9,")), "Duplicate field 'units'");
        has(error(ISSUE_SPEC + " {}"), "s.json: invalid JSON", "trailing content after the spec");
        assertEquals("s.json: \"metrics\"[1] must be a name such as \"accuracy\"",
                error(ISSUE_SPEC.replace("\"loss\"", "\"metrics\": [\"accuracy\", 3], \"loss\"")));
        assertEquals("s.json: \"metrics\" must be a list, got the string \"accuracy\"",
                error(ISSUE_SPEC.replace("\"loss\"", "\"metrics\": \"accuracy\", \"loss\"")));
        has(error("[".repeat(5000) + "]".repeat(5000)), "s.json: invalid JSON", "nesting beyond the parser's limit");
        has(error(ISSUE_SPEC.replace("\"units\": 8", "\"units\": " + "9".repeat(100_000))), "s.json: invalid JSON",
                "a number beyond the parser's length limit");
    }

    @Test
    void wholeNumbersWrittenAsDecimalsAndShorthandsAreAccepted() {
        String spec = ISSUE_SPEC.replace("\"units\": 8", "\"units\": 8.0")
                .replace("{\"type\": \"adam\", \"lr\": 0.01, \"beta1\": 0.9, \"beta2\": 0.999, \"eps\": 1e-7}", "\"rmsprop\"")
                .replace("\"loss\"", "\"lr_schedule\": \"constant\", \"loss\"");
        ModelSpec parsed = ModelSpec.parse(spec, "s.json");
        try (Sequential m = parsed.build(cpu, 1)) {
            assertEquals(8, ((Dense) m.layers().get(0)).config().get("units"));
            assertEquals(io.myelin.backend.OptimizerKind.RMSPROP, m.optimizer().kind());
            assertEquals(0.001f, m.optimizer().learningRate());
        }
        assertEquals("constant", parsed.lrSchedule().get("type"));
    }

    @Test
    void normalizationIsOptionalAndNamed() {
        assertEquals(null, ModelSpec.parse(ISSUE_SPEC, "s.json").normalization());
        assertEquals("z_score", ModelSpec.parse(ISSUE_SPEC.replace("\"loss\"", "\"normalization\": \"z_score\", \"loss\""),
                "s.json").normalization());
        assertEquals("z_score", ModelSpec.parse(ISSUE_SPEC.replace("\"loss\"", "\"normalization\": \"Z_Score\", \"loss\""),
                "s.json").normalization(), "names are case-insensitive, and returned as the normalizer knows them");
    }

    /** 1cycle's momentum keys cycle a term only some optimizers have; with the others they would change nothing. */
    @Test
    void oneCycleMomentumNeedsAnOptimizerWithAMomentumTerm() {
        String oneCycle = ISSUE_SPEC.replace("\"loss\"", "\"lr_schedule\": {\"type\": \"one_cycle\", "
                + "\"min_momentum\": 0.8}, \"loss\"");
        String adam = "{\"type\": \"adam\", \"lr\": 0.01, \"beta1\": 0.9, \"beta2\": 0.999, \"eps\": 1e-7}";
        for (String opt : new String[] {"{\"type\": \"sgd\"}", "{\"type\": \"rmsprop\"}"}) {
            assertEquals("s.json: lr_schedule: min_momentum and max_momentum cycle the optimizer's momentum term, and "
                    + opt.replaceAll(".*\"(\\w+)\"}", "$1") + " has none: use sgd with a momentum, nesterov, adam, "
                    + "adamw or adamax, or leave them out", error(oneCycle.replace(adam, opt)));
        }
        for (String opt : new String[] {adam, "{\"type\": \"sgd\", \"momentum\": 0.9}", "\"adamax\""}) {
            ModelSpec.parse(oneCycle.replace(adam, opt), "s.json").build(cpu, 1).close();
        }
        String plain = ISSUE_SPEC.replace(adam, "{\"type\": \"sgd\"}").replace("\"loss\"",
                "\"lr_schedule\": \"one_cycle\", \"loss\"");
        ModelSpec.parse(plain, "s.json").build(cpu, 1).close();   // the defaults are no setting of the user's
    }
}
