package dev.rnn4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.train.Optimizer;
import dev.rnn4j.train.TrainOptions;
import dev.rnn4j.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The classic toy task: [1,2,3] → [2,4,6], [4,5,6] → [3,5,7], [7,8,9] → [1,6,9]. Token t is id t +
 * 3 (ids 0..3 are PAD, BOS, EOS, UNK). Training must reproduce all three exactly, by greedy and by
 * beam search, and decoding must give the same answers from many threads at once.
 */
class ToyTaskTest {
  static final int[][] SRC = {{4, 5, 6}, {7, 8, 9}, {10, 11, 12}};
  static final int[][] TGT = {{5, 7, 9}, {6, 8, 10}, {4, 9, 12}};

  @ParameterizedTest(name = "{0} input feeding {1}")
  @CsvSource({"GENERAL, false", "GENERAL, true", "BAHDANAU, false"})
  void learnsTheToyTaskAndDecodesConcurrently(AttentionType att, boolean feed) throws Exception {
    Backend be = TestBackends.cpu();
    Seq2SeqConfig cfg =
        new Seq2SeqConfig(13, 13, 16, CellType.LSTM, 32, 1, true, 32, 1, att, 0f, false, feed);
    Seq2SeqBatch batch = Seq2SeqBatch.of(SRC, TGT, Seq2SeqModel.BOS, Seq2SeqModel.EOS);
    TrainOptions opts = TrainOptions.defaults().withEpochs(150).withLr(0.01f).withEarlyStop(0);
    ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    try (Seq2SeqModel model = new Seq2SeqModel(be, cfg, 3);
        Optimizer opt = opts.newOptimizer()) {
      Trainer.Data data =
          new Trainer.Data() {
            @Override
            public int batches(int epoch) {
              return 1;
            }

            @Override
            public Iterator<Seq2SeqBatch> epoch(int epoch) {
              return List.of(batch).iterator();
            }
          };
      Trainer.Result r =
          new Trainer(opts, new PrintStream(logBytes, true, StandardCharsets.UTF_8))
              .fit(model, opt, new Trainer.TrainerState(), data, List.of(batch), null, null, null);
      assertEquals(150, r.epochs());
      assertTrue(r.bestMetric() < 0.05, "dev loss after training: " + r.bestMetric());
      Translator tr = new Translator(model);
      List<int[]> sources = List.of(SRC);
      for (DecodeOptions d : List.of(DecodeOptions.greedy(), DecodeOptions.beam(3))) {
        List<List<Hypothesis>> out = tr.translate(sources, d);
        for (int i = 0; i < 3; i++) {
          assertArrayEquals(TGT[i], out.get(i).get(0).tokens(), "input " + i + " with " + d);
        }
      }
      List<List<Hypothesis>> nbest = tr.translate(sources, DecodeOptions.beam(3).withNBest(3));
      assertEquals(3, nbest.get(0).size(), "3-best list");
      assertTrue(nbest.get(0).get(0).score() >= nbest.get(0).get(1).score(), "sorted by score");
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<int[]>> futures = new java.util.ArrayList<>();
        for (int k = 0; k < 24; k++) {
          int i = k % 3;
          futures.add(pool.submit(() -> tr.translate(SRC[i], DecodeOptions.beam(2))));
        }
        for (int k = 0; k < futures.size(); k++) {
          assertArrayEquals(TGT[k % 3], futures.get(k).get(), "concurrent decode " + k);
        }
      } finally {
        pool.shutdown();
      }
    }
  }
}
