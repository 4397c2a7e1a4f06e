package io.myelin.backend;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The op cases the contract suite must check, enumerated from the SPI by reflection: one case per public
 * method of {@link Backend} (the protected {@code do*} methods behind its door are not the SPI), multiplied
 * by the constants of every enum parameter ({@link UnaryOp},
 * {@link BinaryOp}, {@link ReduceOp}, {@link Activation}), by every {@link OptimizerKind} and boolean
 * option of {@link OptimizerUpdate}, and by the variants the javadoc describes in prose (binary
 * broadcast forms, reduction axes, label forms) listed in {@link #PROSE_VARIANTS}. Adding a method or an
 * enum constant to the SPI adds a case here, and the suite fails until a test for it exists.
 *
 * <p>Case ids look like {@code binary(ADD,row)}, {@code reduce(ARGMAX,axis0)}, {@code optimizerUpdate(ADAM)},
 * {@code optimizerUpdate(flag:ewa)}, {@code gemm}.
 */
final class SpiCatalog {
    /** Variants that parameter types cannot show: keyed by method name. */
    static final Map<String, List<String>> PROSE_VARIANTS = Map.of(
            "binary", List.of("full", "row", "col"),
            "reduce", List.of("axis0", "axis1"),
            "softmaxCrossEntropy", List.of("dense", "sparse"),
            "softmaxCrossEntropyBackward", List.of("dense", "sparse"));

    private SpiCatalog() {
    }

    static String id(String method, Object... variant) {
        if (variant.length == 0) {
            return method;
        }
        StringBuilder sb = new StringBuilder(method).append('(');
        for (int i = 0; i < variant.length; i++) {
            sb.append(i == 0 ? "" : ",").append(variant[i]);
        }
        return sb.append(')').toString();
    }

    static SortedSet<String> requiredCases() {
        SortedSet<String> ids = new TreeSet<>();
        for (Method m : Backend.class.getDeclaredMethods()) {
            if (m.isSynthetic() || Modifier.isStatic(m.getModifiers()) || !Modifier.isPublic(m.getModifiers())) {
                continue;
            }
            List<List<String>> dims = new ArrayList<>();
            for (Class<?> p : m.getParameterTypes()) {
                if (p.isEnum()) {
                    dims.add(Arrays.stream(p.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList());
                } else if (p == OptimizerUpdate.class) {
                    dims.add(optimizerVariants());
                }
            }
            if (PROSE_VARIANTS.containsKey(m.getName())) {
                dims.add(PROSE_VARIANTS.get(m.getName()));
            }
            expand(m.getName(), dims, 0, new ArrayList<>(), ids);
        }
        return ids;
    }

    /** Every kind, plus one case per boolean option (ewa, biasCorrection, ...). */
    private static List<String> optimizerVariants() {
        List<String> v = new ArrayList<>();
        for (OptimizerKind k : OptimizerKind.values()) {
            v.add(k.name());
        }
        for (RecordComponent c : OptimizerUpdate.class.getRecordComponents()) {
            if (c.getType() == boolean.class) {
                v.add("flag:" + c.getName());
            }
        }
        return v;
    }

    private static void expand(String method, List<List<String>> dims, int d, List<String> chosen,
                               SortedSet<String> out) {
        if (d == dims.size()) {
            out.add(id(method, chosen.toArray()));
            return;
        }
        for (String v : dims.get(d)) {
            chosen.add(v);
            expand(method, dims, d + 1, chosen, out);
            chosen.remove(chosen.size() - 1);
        }
    }
}
