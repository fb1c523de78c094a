package dev.rnn4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A decoder state that does not fit the model — without the previous h̃ for a model with input
 * feeding, or with one for a model without — is refused with a message saying which State to pass.
 */
class DecodeStepStateTest {
  @ParameterizedTest(name = "input feeding {0}")
  @ValueSource(booleans = {false, true})
  void aStateOfTheWrongKindIsRefused(boolean feed) {
    Backend be = TestBackends.cpu();
    Seq2SeqConfig cfg =
        Seq2SeqConfig.builder(9, 9)
            .embed(3)
            .cell(CellType.GRU)
            .encoderHidden(3)
            .decoderHidden(4)
            .layers(1)
            .attention(AttentionType.GENERAL)
            .inputFeeding(feed)
            .build();
    try (Seq2SeqModel model = new Seq2SeqModel(be, cfg, 5)) {
      Seq2SeqModel.State[] init = new Seq2SeqModel.State[1];
      try (Seq2SeqModel.Encoded enc = model.encode(new int[] {4, 5}, new int[] {2}, 1, 2, init);
          Seq2SeqModel.State good = init[0];
          Seq2SeqModel.State copy = model.reorder(good, new int[] {0});
          Tensor stray = be.zeros(1, 1, cfg.decoderHidden())) {
        // The h of a real state, and h̃ where the model feeds none or none where it does.
        Seq2SeqModel.State wrong = new Seq2SeqModel.State(copy.h(), null, feed ? null : stray);
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () ->
                    model.decodeStep(
                        enc,
                        new int[] {0},
                        new int[] {Seq2SeqModel.BOS},
                        wrong,
                        new float[9],
                        null));
        assertTrue(e.getMessage().contains("pass the State that encode"), e.getMessage());
      }
    }
  }
}
