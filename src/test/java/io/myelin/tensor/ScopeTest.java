package io.myelin.tensor;

import io.myelin.backend.Backend;
import io.myelin.backend.cpu.CpuBackend;
import io.myelin.backend.cpu.PureJavaGemm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scoped ownership of tensors and the backend's live-byte accounting (DESIGN.md, "Memory has an owner"). */
@SuppressWarnings("try") // scopes are opened for their effect (owning tensors), not referenced
class ScopeTest {
    private Backend backend;

    @BeforeEach
    void start() {
        backend = new CpuBackend(new PureJavaGemm());
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    @Test
    void scopeReleasesWhatItOwns() {
        long base = backend.liveBytes();
        Tensor a;
        Tensor b;
        try (Scope s = Scope.open()) {
            a = Tensor.zeros(backend, 7, 129);
            b = Tensor.full(backend, 2f, 3);
            assertEquals(2, s.ownedCount());
            assertEquals(base + 4L * (7 * 129 + 3), backend.liveBytes());
        }
        assertTrue(a.isClosed() && b.isClosed());
        assertEquals(base, backend.liveBytes());
        assertThrows(IllegalStateException.class, a::toArray, "use after the scope closed");
    }

    @Test
    void keepMovesOwnershipToTheEnclosingScope() {
        long base = backend.liveBytes();
        try (Scope outer = Scope.open()) {
            Tensor kept;
            try (Scope inner = Scope.open()) {
                kept = inner.keep(Tensor.full(backend, 5f, 2, 2));
                Tensor.zeros(backend, 4);
                assertEquals(1, inner.ownedCount());
                assertEquals(1, outer.ownedCount());
            }
            assertFalse(kept.isClosed(), "kept tensor survives the inner scope");
            assertEquals(5f, kept.item());
            assertEquals(base + 16, backend.liveBytes());
        }
        assertEquals(base, backend.liveBytes(), "the outer scope released the kept tensor");
    }

    @Test
    void keepFromTheOutermostScopeHandsTheTensorToTheCaller() {
        long base = backend.liveBytes();
        Tensor kept;
        try (Scope s = Scope.open()) {
            kept = s.keep(Tensor.zeros(backend, 9));
        }
        assertFalse(kept.isClosed());
        assertEquals(base + 36, backend.liveBytes());
        kept.close();
        assertEquals(base, backend.liveBytes());
    }

    @Test
    void tensorsOutsideAnyScopeBelongToTheCaller() {
        long base = backend.liveBytes();
        try (Tensor t = Tensor.zeros(backend, 3, 3)) {
            assertEquals(base + 36, backend.liveBytes());
        }
        assertEquals(base, backend.liveBytes());
        Tensor u = Scope.unscoped(() -> Tensor.zeros(backend, 5));
        try (Scope s = Scope.open()) {
            Tensor inside = Scope.unscoped(() -> Tensor.zeros(backend, 5));
            assertEquals(0, s.ownedCount(), "unscoped() creates tensors no scope owns");
            inside.close();
        }
        assertFalse(u.isClosed());
        u.close();
        assertEquals(base, backend.liveBytes());
    }

    @Test
    void gradientBuffersAreReleasedWithTheirTensor() {
        long base = backend.liveBytes();
        try (Tensor w = Tensor.zeros(backend, 4, 4)) {
            w.allocateGrad();
            assertEquals(base + 2 * 64, backend.liveBytes());
        }
        assertEquals(base, backend.liveBytes(), "closing a parameter closes its persistent gradient");
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.zeros(backend, 4, 4);
            x.gradBuffer();
            assertEquals(2, s.ownedCount(), "a step-scoped gradient belongs to the scope");
        }
        assertEquals(base, backend.liveBytes());
    }

    @Test
    void repeatedStepsReturnToTheBaseline() {
        long base = backend.liveBytes();
        for (int step = 0; step < 5; step++) {
            try (Scope s = Scope.open()) {
                Tensor x = Tensor.full(backend, 1f, 32, 16);
                Tensor w = Tensor.full(backend, 0.5f, 16, 8);
                Tensor y = Tensor.empty(backend, 32, 8);
                backend.gemm(false, false, 1f, x, w, 0f, y);
                assertEquals(8f, y.toArray()[0]);
            }
            assertEquals(base, backend.liveBytes(), "after step " + step);
        }
    }

    @Test
    void doubleCloseIsHarmlessAndDoubleReleaseIsAnError() {
        Tensor t = Tensor.zeros(backend, 3);
        t.close();
        t.close();
        var s = backend.allocate(3);
        backend.release(s);
        assertThrows(IllegalStateException.class, () -> backend.release(s));
    }
}
