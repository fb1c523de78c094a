package dev.rnn4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The CUDA tuning properties: defaults, accepted values, and refusals that name the property. */
class CudaOptionsTest {
  @Test
  void tf32() {
    assertFalse(CudaOptions.tf32(null));
    assertTrue(CudaOptions.tf32(" TRUE "));
    assertFalse(CudaOptions.tf32("false"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CudaOptions.tf32("yes"));
    assertEquals("-Drnn4j.cuda.tf32=yes is not understood; use true or false", e.getMessage());
  }

  @Test
  void launchArguments() {
    assertFalse(CudaOptions.arrayLaunchArguments(null));
    assertFalse(CudaOptions.arrayLaunchArguments("buffer"));
    assertTrue(CudaOptions.arrayLaunchArguments("arrays"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> CudaOptions.arrayLaunchArguments("java"));
    assertTrue(e.getMessage().contains("rnn4j.cuda.launch=java"), e.getMessage());
    assertTrue(e.getMessage().contains("buffer or arrays"), e.getMessage());
  }

  @Test
  void fusedStepMaxBatch() {
    assertEquals(32, CudaOptions.fusedStepMaxBatch(null));
    assertEquals(0, CudaOptions.fusedStepMaxBatch("0"));
    assertEquals(16, CudaOptions.fusedStepMaxBatch(" 16"));
    for (String bad : new String[] {"64", "-1", "many"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> CudaOptions.fusedStepMaxBatch(bad));
      assertTrue(e.getMessage().contains("rnn4j.cuda.fusedStepMaxBatch=" + bad), e.getMessage());
      assertTrue(e.getMessage().contains("0 (no fused steps) to 32"), e.getMessage());
    }
  }
}
