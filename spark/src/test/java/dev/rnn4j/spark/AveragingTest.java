package dev.rnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.train.Optimizer;
import dev.rnn4j.train.TrainOptions;
import dev.rnn4j.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parameter averaging: with one partition it is single-process training (the averaging of one
 * replica, Adam moments included, changes nothing); with two it trains, deterministically.
 */
class AveragingTest {
  static final long SEED = 5;
  static final int BATCH = 32;
  static G2pSample data;
  static Backend be;
  static final PrintStream QUIET =
      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @BeforeAll
  static void setUp() {
    data = new G2pSample(240, 40);
    be = Backends.create("cpu");
  }

  @AfterAll
  static void tearDown() {
    be.close();
  }

  static TrainOptions options() {
    return new TrainOptions(2, 3e-3f, "adam", 0f, 0f, 1.0, 0f, "constant", 0.5f, 1, 1, 0, SEED);
  }

  record Run(SparkTrainer.Result result, float[] weights, Trainer.TrainerState state) {}

  static Run averaging(int partitions, int k) {
    SparkTrainOptions so =
        SparkTrainOptions.sync(options(), BATCH).withMode(SparkTrainOptions.Mode.AVERAGING, k);
    Trainer.TrainerState state = new Trainer.TrainerState();
    try (ShardedCorpus corpus = ShardedCorpus.of(TestSpark.jsc(), data.train, partitions);
        Seq2SeqModel m = new Seq2SeqModel(be, data.config(0f), SEED);
        Optimizer opt = options().newOptimizer()) {
      SparkTrainer.Result r =
          new SparkTrainer(TestSpark.jsc(), so, QUIET)
              .fit(m, opt, state, corpus, data.devBatches(), null, null, null);
      return new Run(r, G2pSample.weights(m), state);
    }
  }

  @Test
  void onePartitionEqualsSingleProcessTraining() {
    float[] reference;
    Trainer.TrainerState refState = new Trainer.TrainerState();
    try (Seq2SeqModel m = new Seq2SeqModel(be, data.config(0f), SEED);
        Optimizer opt = options().newOptimizer()) {
      new Trainer(options(), QUIET)
          .fit(
              m,
              opt,
              refState,
              SingleProcess.data(data.train, BATCH, SEED),
              data.devBatches(),
              null,
              null,
              null);
      reference = G2pSample.weights(m);
    }
    // k = 3 over 8 batches per epoch: rounds of 3, 3, 2 batches.
    Run r = averaging(1, 3);
    assertEquals(6, r.result().stepLosses().length, "3 rounds per epoch");
    assertEquals(refState.updates, r.state().updates);
    // The same operations on the same values; only the moments' round trip through host arrays
    // (exact) differs, so the weights agree to float rounding of the Adam update: 1e-6 absolute.
    for (int i = 0; i < reference.length; i++) {
      assertTrue(
          Math.abs(r.weights()[i] - reference[i]) <= 1e-6,
          "weight " + i + ": averaging " + r.weights()[i] + ", Trainer " + reference[i]);
    }
    for (int e = 0; e < 2; e++) {
      assertEquals(refState.devCurve.get(e)[1], r.state().devCurve.get(e)[1], 1e-6);
    }
  }

  @Test
  void twoPartitionsTrainDeterministically() {
    Run a = averaging(2, 2);
    Run b = averaging(2, 2);
    assertArrayEquals(a.weights(), b.weights());
    assertArrayEquals(a.result().stepLosses(), b.result().stepLosses());
    double[] losses = a.result().stepLosses();
    assertEquals(8, losses.length, "4 rounds of 2 batches per epoch");
    assertTrue(losses[7] < losses[0] - 0.3, "the loss falls: " + losses[0] + " → " + losses[7]);
    assertTrue(a.state().devCurve.get(1)[1] < a.state().devCurve.get(0)[1], "dev loss falls");
  }
}
