package io.myelin.backend;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Backend discovery through ServiceLoader and selection by name. */
class BackendsTest {

    @Test
    void cpuIsRegisteredAndStarts() {
        assertTrue(Backends.names().contains("cpu"), "providers found: " + Backends.names());
        try (Backend b = Backends.create("cpu")) {
            assertEquals("cpu", b.name());
            assertTrue(b.description().contains("gemm="), b.description());
        }
        try (Backend b = Backends.create(" CPU ")) {
            assertEquals("cpu", b.name(), "names are case- and space-insensitive");
        }
    }

    @Test
    void autoPicksTheBestProviderThatAutoMayPick() {
        BackendProvider best = Backends.providers().stream().filter(p -> p.availability().automatic()).findFirst()
                .orElseThrow();
        try (Backend b = Backends.create("auto")) {
            assertEquals(best.name(), b.name());
        }
    }

    @Test
    void providersAreSortedBestFirstWithCpuAtPriorityZero() {
        var providers = Backends.providers();
        for (int i = 1; i < providers.size(); i++) {
            assertTrue(providers.get(i - 1).priority() >= providers.get(i).priority());
        }
        BackendProvider cpu = providers.stream().filter(p -> p.name().equals("cpu")).findFirst().orElseThrow();
        assertEquals(0, cpu.priority());
        assertTrue(cpu.availability().available());
    }

    @Test
    void unknownNameIsAnErrorNamingTheKnownBackends() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.create("nope"));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
        for (String known : Backends.names()) {
            assertTrue(e.getMessage().contains(known), e.getMessage() + " should name " + known);
        }
        assertTrue(e.getMessage().contains("auto"), e.getMessage());
    }
}
