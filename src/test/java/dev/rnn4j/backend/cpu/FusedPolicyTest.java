package dev.rnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.backend.CpuOptions;
import dev.rnn4j.backend.CpuOptions.FusedRnn;
import dev.rnn4j.backend.SequenceCell;
import org.junit.jupiter.api.Test;

/**
 * {@link CpuOptions#fusedRnn}: when layers use oneDNN's RNN primitives. (The property {@code
 * rnn4j.cpu.fusedRnn} and its refusals: {@code SystemPropertiesTest}.)
 */
class FusedPolicyTest {
  private static CpuBackend with(FusedRnn policy) {
    return new CpuBackend(CpuOptions.fromSystemProperties().withThreads(1).withFusedRnn(policy));
  }

  @Test
  void autoFusesInferenceOnlyAlwaysAlsoTrainingNeverNothing() {
    try (CpuBackend be = with(FusedRnn.AUTO)) {
      assertEquals(FusedRnn.AUTO, be.options().fusedRnn());
      for (SequenceCell cell : SequenceCell.values()) {
        assertFalse(be.fusedSequence(cell, 512, 512).forTraining(), cell + " trains per step");
      }
    }
    try (CpuBackend be = with(FusedRnn.ALWAYS)) {
      assertTrue(be.fusedSequence(SequenceCell.LSTM, 1024, 1024).forTraining());
      assertTrue(be.fusedSequence(SequenceCell.GRU, 512, 512).forTraining());
    }
    try (CpuBackend be = with(FusedRnn.NEVER)) {
      assertNull(be.fusedSequence(SequenceCell.LSTM, 512, 512));
    }
  }
}
