package dev.rnn4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.backend.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Backends finds its implementations through ServiceLoader; the API imports none of them. */
class BackendProvidersTest {
  @Test
  void bothProvidersAreRegisteredAndListingThemOpensNothing() {
    List<String> names = new ArrayList<>();
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      names.add(p.name());
    }
    assertEquals(List.of("cpu", "cuda"), names);
  }

  @Test
  void cpuComesFromItsProviderWithTheGivenSettings() {
    try (Backend be = Backends.create(" CPU ", CpuGemm.F32, 1)) {
      assertTrue(be instanceof CpuBackend, be.getClass().getName());
      assertEquals(CpuGemm.F32, ((CpuBackend) be).gemmMode());
      assertEquals("cpu (f32 GEMMs)", be.describe());
    }
    try (Backend be = Backends.create("cpu", CpuGemm.SGEMM, 1)) {
      assertEquals("cpu", be.describe());
    }
  }
}
