package dev.rnn4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.nn.CellType;
import org.junit.jupiter.api.Test;

/** Validation of the model configuration and the sizes it derives. */
class Seq2SeqConfigTest {
  private static Seq2SeqConfig cfg(AttentionType att, int encHid, boolean bi, boolean feed) {
    return new Seq2SeqConfig(20, 30, 8, CellType.LSTM, encHid, 1, bi, 16, 1, att, 0f, false, feed);
  }

  @Test
  void decoderInputSizeFollowsTheAttention() {
    assertEquals(8, cfg(AttentionType.GENERAL, 12, true, false).decoderInputSize());
    assertEquals(8 + 16, cfg(AttentionType.GENERAL, 12, true, true).decoderInputSize());
    // Bahdanau feeds the context: embedding + encoder output size (2 directions x 12).
    assertEquals(8 + 24, cfg(AttentionType.BAHDANAU, 12, true, false).decoderInputSize());
  }

  @Test
  void rejectsCombinationsThatCannotWork() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> cfg(AttentionType.BAHDANAU, 12, true, true));
    assertTrue(e.getMessage().contains("BAHDANAU"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> cfg(AttentionType.NONE, 12, true, true));
    assertTrue(e.getMessage().contains("input feeding needs attention"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> cfg(AttentionType.DOT, 12, false, false));
    assertTrue(e.getMessage().contains("dot attention"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> cfg(null, 12, false, false));
    assertTrue(e.getMessage().contains("BAHDANAU"), e.getMessage());
  }
}
