package dev.rnn4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.LogCapture;
import dev.rnn4j.backend.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * Backends finds its implementations through ServiceLoader; the API imports none of them. The core
 * library ships the CPU backend only; the CUDA one is dev.rnn4j:rnn4j-cuda, absent from this
 * module's class path as from a CPU-only user's (its own tests see both providers).
 */
class BackendProvidersTest {
  @Test
  void theCoreRegistersTheCpuProviderOnly() {
    List<String> names = new ArrayList<>();
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      names.add(p.name());
    }
    assertEquals(List.of("cpu"), names);
  }

  /** Without rnn4j-cuda, asking for CUDA says what to add, and {@code auto} runs on the CPU. */
  @Test
  void cudaWithoutTheCudaArtifactSaysWhatToAddAndAutoFallsBack() {
    BackendUnavailableException e =
        assertThrows(BackendUnavailableException.class, () -> Backends.create("cuda"));
    assertTrue(
        e.getMessage()
            .startsWith("the CUDA backend is not on the class path: add dev.rnn4j:rnn4j-cuda"),
        e.getMessage());
    String logged =
        LogCapture.stderrOf(
            () -> {
              try (Backend be = Backends.create("auto", CpuGemm.SGEMM, 1)) {
                assertEquals("cpu", be.name());
              }
            });
    assertTrue(
        logged.contains("using the CPU backend; CUDA is unavailable: " + e.getMessage()), logged);
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
