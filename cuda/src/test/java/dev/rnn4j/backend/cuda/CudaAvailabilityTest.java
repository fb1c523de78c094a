package dev.rnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.LogCapture;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.BackendUnavailableException;
import dev.rnn4j.backend.Backends;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Backend selection on a machine without CUDA (these tests skip where CUDA works): {@code auto}
 * falls back to the CPU and logs why, {@code cuda} throws {@link BackendUnavailableException} with
 * a useful reason, and the probe's answer is cached so asking again is fast.
 */
class CudaAvailabilityTest {
  private static void assumeNoCuda() {
    Assumptions.assumeTrue(
        CudaTestSupport.reason() != null,
        "CUDA is available here; these tests are for machines without it");
  }

  @Test
  void autoPicksTheCpuAndLogsTheReason() {
    assumeNoCuda();
    String logged =
        LogCapture.stderrOf(
            () -> {
              try (Backend be = Backends.create("auto")) {
                assertEquals("cpu", be.name());
              }
            });
    assertTrue(
        logged
            .lines()
            .anyMatch(
                l ->
                    l.contains("INFO")
                        && l.contains("CUDA is unavailable")
                        && l.contains(CudaTestSupport.reason())),
        "expected one INFO line with the reason, got: " + logged);
  }

  @Test
  void cudaThrowsWithTheReasonQuicklyAndConsistently() {
    assumeNoCuda();
    BackendUnavailableException first =
        assertThrows(BackendUnavailableException.class, () -> Backends.create("cuda"));
    String m = first.getMessage();
    assertTrue(
        m.contains("CUDA driver library could not be loaded")
            || m.contains("no CUDA kernels")
            || m.contains("cuInit failed"),
        "the reason should say what is missing: " + m);
    long t0 = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      BackendUnavailableException again =
          assertThrows(BackendUnavailableException.class, () -> Backends.create("cuda"));
      assertEquals(m, again.getMessage());
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 500, "20 cached probes took " + ms + " ms");
  }
}
