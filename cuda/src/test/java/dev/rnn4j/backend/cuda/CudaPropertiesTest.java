package dev.rnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.BackendUnavailableException;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.backend.SystemProperties;
import org.junit.jupiter.api.Test;

/**
 * With the CUDA backend on the class path, a CUDA system property that is not understood makes CUDA
 * unavailable, naming the property, and leaves the CPU backend alone ({@code auto} falls back to it
 * as for any CUDA failure). Sets a real system property, restored afterwards; no GPU needed.
 */
class CudaPropertiesTest {
  @Test
  void aBadCudaPropertyMakesCudaUnavailableButLeavesCpuAlone() {
    String old = System.getProperty(SystemProperties.CUDA_TF32);
    System.setProperty(SystemProperties.CUDA_TF32, "yes");
    try {
      try (Backend be = Backends.create("cpu")) {
        assertEquals("cpu", be.name());
      }
      BackendUnavailableException e =
          assertThrows(BackendUnavailableException.class, () -> Backends.create("cuda"));
      assertTrue(e.getMessage().contains("system property rnn4j.cuda.tf32"), e.getMessage());
      try (Backend be = Backends.create("auto")) {
        assertEquals("cpu", be.name(), "auto falls back to the CPU, as for any CUDA failure");
      }
    } finally {
      if (old == null) {
        System.clearProperty(SystemProperties.CUDA_TF32);
      } else {
        System.setProperty(SystemProperties.CUDA_TF32, old);
      }
    }
  }
}
