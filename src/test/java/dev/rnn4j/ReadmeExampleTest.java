package dev.rnn4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.seq2seq.AttentionType;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.Seq2SeqBatch;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.seq2seq.Translator;
import dev.rnn4j.train.Adam;
import org.junit.jupiter.api.Test;

/** The README's toy-task quick start, verbatim apart from the assertion. */
class ReadmeExampleTest {
  @Test
  void quickStartReproducesTheToyTask() {
    int[][] src = {{4, 5, 6}, {7, 8, 9}, {10, 11, 12}}, tgt = {{5, 7, 9}, {6, 8, 10}, {4, 9, 12}};
    var cfg =
        new Seq2SeqConfig(
            13, 13, 16, CellType.LSTM, 32, 1, true, 32, 1, AttentionType.GENERAL, 0f, false);
    var batch = Seq2SeqBatch.of(src, tgt, Seq2SeqModel.BOS, Seq2SeqModel.EOS);
    try (Backend be = Backends.create("cpu");
        var model = new Seq2SeqModel(be, cfg, 3);
        var adam = new Adam(0.01f)) {
      for (int step = 0; step < 150; step++) {
        model.zeroGrad();
        model.trainStep(batch, 0f, 1f / batch.targetTokens());
        adam.step(model.parameters());
      }
      var tr = new Translator(model);
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(tgt[i], tr.translate(src[i], DecodeOptions.beam(3)), "input " + i);
      }
    }
  }
}
