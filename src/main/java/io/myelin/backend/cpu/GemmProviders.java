package io.myelin.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the CPU GEMM: native BLAS when netlib can load it, otherwise the pure-Java kernel. The system
 * property {@code myelin.cpu.gemm=native|java|ejml} forces one; forcing {@code native} where it cannot
 * load is an error naming the reason, never a silent fallback.
 *
 * <pre>{@code
 * Gemm g = GemmProviders.select();          // honours -Dmyelin.cpu.gemm
 * Gemm j = GemmProviders.byName("java");
 * }</pre>
 */
public final class GemmProviders {
    /** System property that forces a provider. */
    public static final String PROPERTY = "myelin.cpu.gemm";

    private GemmProviders() {
    }

    /** The provider named by {@value #PROPERTY}, or the best available one when it is unset. */
    public static Gemm select() {
        String forced = System.getProperty(PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return byName(forced);
        }
        return nativeUnavailableReason() == null ? NativeBlasGemm.load() : new PureJavaGemm();
    }

    /**
     * The provider called {@code name} ({@code native}, {@code java}, {@code ejml}).
     *
     * @throws IllegalArgumentException for an unknown name, or {@code native} when it cannot load
     */
    public static Gemm byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "native" -> {
                String why = nativeUnavailableReason();
                if (why != null) {
                    throw new IllegalArgumentException(PROPERTY + "=native but " + why);
                }
                yield NativeBlasGemm.load();
            }
            case "java" -> new PureJavaGemm();
            case "ejml" -> new EjmlGemm();
            default -> throw new IllegalArgumentException("unknown GEMM provider '" + name
                    + "' (" + PROPERTY + " takes native, java or ejml)");
        };
    }

    /** Names of the providers that work here, best first. */
    public static List<String> available() {
        List<String> names = new ArrayList<>();
        if (nativeUnavailableReason() == null) {
            names.add("native");
        }
        names.add("java");
        names.add("ejml");
        return names;
    }

    /** Why native BLAS cannot be used here, or null when it can. */
    public static String nativeUnavailableReason() {
        return NativeBlasLoader.unavailableReason();
    }
}
