package dev.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

class DivergenceGuardTest {
  private final Backend be = TestBackends.cpu();
  private final DivergenceGuard.Context at = new DivergenceGuard.Context(2, 40, 1e-3f, 0);

  @Test
  void nonFiniteLossOrGradientIsSkippedAndTooManyInARowStop() {
    try (Parameter p = new Parameter("w", be.upload(new float[] {1, 2}, 2))) {
      DivergenceGuard g = new DivergenceGuard(3);
      List<Parameter> ps = List.of(p);
      assertTrue(g.admit(1.5, 0.3, ps, at));
      assertFalse(g.admit(Double.NaN, 0.3, ps, at), "NaN loss with a finite gradient");
      assertFalse(g.admit(1.5, Double.POSITIVE_INFINITY, ps, at), "infinite gradient");
      assertTrue(g.admit(1.5, 0.3, ps, at), "a good update resets the count");
      assertFalse(g.admit(Double.NaN, Double.NaN, ps, at));
      assertFalse(g.admit(Double.NaN, Double.NaN, ps, at));
      TrainingDivergedException e =
          assertThrows(
              TrainingDivergedException.class, () -> g.admit(Double.NaN, Double.NaN, ps, at));
      assertTrue(e.getMessage().contains("3 updates in a row"), e.getMessage());
      assertTrue(e.getMessage().contains("epoch 2, update 40"), e.getMessage());
      assertTrue(e.getMessage().contains("clipping (off now"), e.getMessage());
    }
  }

  @Test
  void aNonFiniteWeightStopsAtTheFirstSkipNamingTheParameter() {
    try (Parameter ok = new Parameter("encoder.weight", be.upload(new float[] {1, 2}, 2));
        Parameter bad =
            new Parameter("decoder.bias", be.upload(new float[] {1, Float.NaN, 3}, 3))) {
      DivergenceGuard g = new DivergenceGuard(10);
      TrainingDivergedException e =
          assertThrows(
              TrainingDivergedException.class, () -> g.admit(Double.NaN, 1, List.of(ok, bad), at));
      assertTrue(e.getMessage().contains("parameter decoder.bias"), e.getMessage());
      assertDoesNotThrow(() -> DivergenceGuard.checkWeights(List.of(ok), at));
    }
  }

  @Test
  void largeButFiniteWeightsAreNotDivergence() {
    try (Parameter p = new Parameter("w", be.upload(new float[] {3e38f, -3e38f}, 2))) {
      assertDoesNotThrow(() -> DivergenceGuard.checkWeights(List.of(p), at));
    }
  }

  @Test
  void aNonFiniteDevLossStops() {
    assertDoesNotThrow(() -> DivergenceGuard.checkDevLoss(2.5, at));
    assertThrows(
        TrainingDivergedException.class, () -> DivergenceGuard.checkDevLoss(Double.NaN, at));
  }

  @Test
  void patienceMustBePositive() {
    var e = assertThrows(IllegalArgumentException.class, () -> new DivergenceGuard(0));
    assertTrue(e.getMessage().contains(">= 1"), e.getMessage());
  }
}
