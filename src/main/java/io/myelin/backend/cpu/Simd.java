package io.myelin.backend.cpu;

/**
 * Whether {@link VectorKernels} (SIMD loops through the JDK's {@code jdk.incubator.vector} module) run the loops
 * HotSpot 17's auto-vectorizer leaves scalar: a per-element select ({@code x > 0 ? x : 0}: C2 17 vectorizes no
 * conditional, and no float-only formula maps NaN to 0 as the ReLU contract requires) and loops whose store and
 * loads have different offsets (bias add, column sums). Both paths give the same bits; the scalar loops stay the
 * reference and the fallback.
 *
 * <p>{@code -Dmyelin.cpu.simd}: {@code auto} (the default) uses the module when the JVM resolved it
 * ({@code java --add-modules jdk.incubator.vector}, which {@code scripts/myelin} and the test JVMs pass),
 * {@code never} keeps the scalar loops, {@code always} refuses to start a CPU backend without the module.
 * The value is read once per JVM, when this class initializes; {@link #check()} (called by every
 * {@link CpuBackend} constructor) rejects a bad value with a message naming the property.
 */
final class Simd {
    static final String MODULE = "jdk.incubator.vector";
    static final String PROPERTY = "myelin.cpu.simd";

    /** The module is resolved and the mode allows it: the kernels call {@link VectorKernels}. */
    static final boolean ENABLED = mode().equals("always") || mode().equals("auto") && moduleResolved();

    private Simd() {
    }

    static boolean moduleResolved() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    private static String mode() {
        return System.getProperty(PROPERTY, "auto");
    }

    /** Throws when the current {@code -Dmyelin.cpu.simd} is no mode, or asks for SIMD the JVM cannot give. */
    static void check() {
        String mode = mode();
        switch (mode) {
            case "auto", "never" -> {
            }
            case "always" -> {
                if (!moduleResolved()) {
                    throw new IllegalStateException("-D" + PROPERTY + "=always, but the JVM has not resolved the "
                            + MODULE + " module: run java with --add-modules " + MODULE);
                }
            }
            default -> throw new IllegalArgumentException("-D" + PROPERTY + " must be auto, always or never, got '"
                    + mode + "'");
        }
    }

    /** For {@link CpuBackend#description()}. */
    static String describe() {
        if (ENABLED) {
            return "SIMD select loops (" + MODULE + ", " + VectorKernels.lanes() + " float lanes)";
        }
        return moduleResolved() ? "scalar select loops (-D" + PROPERTY + "=never)"
                : "scalar select loops (java --add-modules " + MODULE + " enables SIMD ones)";
    }
}
