package dev.rnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The CPU backend's reductions ({@link CpuReductions}); exact on these small integers. */
class CpuReductionsTest {
  private final Backend be = TestBackends.cpu();

  @Test
  void reductionsAndFiniteness() {
    try (Tensor x = be.upload(new float[] {1f, -2f, 3f}, 3)) {
      assertEquals(14.0, be.sumSquares(x));
      assertEquals(2.0, be.sum(x));
      assertTrue(be.allFinite(x));
    }
    try (Tensor x = be.upload(new float[] {1f, Float.NaN}, 2)) {
      assertFalse(be.allFinite(x));
    }
  }
}
