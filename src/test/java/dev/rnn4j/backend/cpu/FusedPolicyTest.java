package dev.rnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.backend.SequenceCell;
import org.junit.jupiter.api.Test;

/** The {@code rnn4j.cpu.fusedRnn} setting: when layers use oneDNN's RNN primitives. */
class FusedPolicyTest {
  private static CpuBackend with(String value) {
    try {
      System.setProperty("rnn4j.cpu.fusedRnn", value);
      return new CpuBackend(1);
    } finally {
      System.clearProperty("rnn4j.cpu.fusedRnn");
    }
  }

  @Test
  void autoFusesInferenceOnlyTrueAlsoTrainingFalseNothing() {
    try (CpuBackend be = with("auto")) {
      for (SequenceCell cell : SequenceCell.values()) {
        assertFalse(be.fusedSequence(cell, 512, 512).forTraining(), cell + " trains per step");
      }
    }
    try (CpuBackend be = with("true")) {
      assertTrue(be.fusedSequence(SequenceCell.LSTM, 1024, 1024).forTraining());
      assertTrue(be.fusedSequence(SequenceCell.GRU, 512, 512).forTraining());
    }
    try (CpuBackend be = with("false")) {
      assertNull(be.fusedSequence(SequenceCell.LSTM, 512, 512));
    }
  }

  @Test
  void rejectsAnUnknownSetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with("yes"));
    assertTrue(e.getMessage().contains("expected auto, true or false"), e.getMessage());
  }
}
