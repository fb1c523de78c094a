package dev.rnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.seq2seq.ModelDirectory;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.train.Optimizer;
import dev.rnn4j.train.TrainOptions;
import dev.rnn4j.train.Trainer;
import dev.rnn4j.train.TrainingCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault tolerance: a failed task is retried and the run is bit-identical to one without failures; a
 * driver that dies mid-epoch is replaced by a new one that resumes from the last checkpoint and
 * reaches bit-identical losses and weights.
 */
class FaultToleranceTest {
  static final long SEED = 11;
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

  record Run(double[] losses, float[] weights) {}

  static Run train(SparkTrainer trainer, ShardedCorpus corpus, Trainer.Checkpoints ckpt) {
    return train(trainer, corpus, ckpt, 0f);
  }

  static Run train(
      SparkTrainer trainer, ShardedCorpus corpus, Trainer.Checkpoints ckpt, float dropout) {
    try (Seq2SeqModel m = new Seq2SeqModel(be, data.config(dropout), SEED);
        Optimizer opt = options().newOptimizer()) {
      SparkTrainer.Result r =
          trainer.fit(
              m, opt, new Trainer.TrainerState(), corpus, data.devBatches(), null, ckpt, null);
      return new Run(r.stepLosses(), G2pSample.weights(m));
    }
  }

  @Test
  void retriedTaskGivesTheSameUpdate() {
    SparkTrainOptions so = SparkTrainOptions.sync(options(), BATCH);
    try (ShardedCorpus corpus = ShardedCorpus.of(TestSpark.jsc(), data.train, 2)) {
      Run clean = train(new SparkTrainer(TestSpark.jsc(), so, QUIET), corpus, null);
      long before = FailureInjector.THROWN.get();
      // The first attempt of partition 1's task in step 3 throws (as a lost executor); Spark
      // (local[2,3]) retries it.
      Run retried =
          train(
              new SparkTrainer(TestSpark.jsc(), so, QUIET)
                  .withFailure(new FailureInjector(3, 1, 1)),
              corpus,
              null);
      assertEquals(1, FailureInjector.THROWN.get() - before, "the injected failure happened");
      // Bit-identical: the retried task is a pure function of parameters, shard and step, and the
      // tree sum adds in a fixed order.
      assertArrayEquals(clean.losses(), retried.losses());
      assertArrayEquals(clean.weights(), retried.weights());
    }
  }

  @Test
  void retriedTaskWithDropoutDrawsTheSameMasks() {
    // Dropout masks come from (step, partition) counters, not from the attempt or the timing.
    SparkTrainOptions so = SparkTrainOptions.sync(options(), BATCH);
    try (ShardedCorpus corpus = ShardedCorpus.of(TestSpark.jsc(), data.train, 2)) {
      Run clean = train(new SparkTrainer(TestSpark.jsc(), so, QUIET), corpus, null, 0.3f);
      Run retried =
          train(
              new SparkTrainer(TestSpark.jsc(), so, QUIET)
                  .withFailure(new FailureInjector(5, 0, 2)),
              corpus,
              null,
              0.3f);
      assertArrayEquals(clean.losses(), retried.losses());
      assertArrayEquals(clean.weights(), retried.weights());
    }
  }

  @Test
  void aTaskFailingOnEveryAttemptFailsTheRunWithTheCause() {
    SparkTrainOptions so = SparkTrainOptions.sync(options(), BATCH);
    try (ShardedCorpus corpus = ShardedCorpus.of(TestSpark.jsc(), data.train, 2)) {
      Exception e =
          assertThrows(
              Exception.class,
              () ->
                  train(
                      new SparkTrainer(TestSpark.jsc(), so, QUIET)
                          .withFailure(new FailureInjector(1, 0, 3)),
                      corpus,
                      null));
      assertTrue(String.valueOf(e.getMessage()).contains("injected failure"), e.toString());
    }
  }

  /** Thrown by the listener to stop a driver as a crash would. */
  static final class DriverCrash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DriverCrash() {
      super("simulated driver crash");
    }
  }

  @Test
  void newDriverResumesFromTheLastCheckpoint(@TempDir Path dir) throws Exception {
    // Checkpoint "last" every 5 batches (and at epoch ends); 8 batches per epoch, 2 epochs.
    SparkTrainOptions so = SparkTrainOptions.sync(options(), BATCH).withCheckpointEvery(5);
    Run uninterrupted;
    try (ShardedCorpus corpus = ShardedCorpus.of(TestSpark.jsc(), data.train, 2)) {
      uninterrupted =
          train(
              new SparkTrainer(TestSpark.jsc(), so, QUIET),
              corpus,
              data.checkpoints(dir.resolve("a"), SEED));
    }
    assertEquals(16, uninterrupted.losses().length);
    // Driver 1 dies after its 13th step: the last checkpoint is after batch 10 (epoch 2, batch 2).
    Path out = dir.resolve("b");
    try (ShardedCorpus corpus = ShardedCorpus.of(TestSpark.jsc(), data.train, 2)) {
      assertThrows(
          DriverCrash.class,
          () ->
              train(
                  new SparkTrainer(TestSpark.jsc(), so, QUIET)
                      .withStepListener(
                          (step, loss, st) -> {
                            if (step == 13) {
                              throw new DriverCrash();
                            }
                          }),
                  corpus,
                  data.checkpoints(out, SEED)));
    }
    // Driver 2 starts from nothing but the checkpoint and the data.
    Path last = out.resolve("last");
    Trainer.TrainerState state = new Trainer.TrainerState();
    double[] resumed;
    float[] weights;
    long seed = TrainingCheckpoint.seed(last);
    try (ShardedCorpus corpus = ShardedCorpus.of(TestSpark.jsc(), data.train, 2);
        ModelDirectory.Loaded l = ModelDirectory.load(last, be);
        Optimizer opt = options().newOptimizer()) {
      TrainingCheckpoint.load(last, l.model(), opt, state);
      assertEquals(SEED, seed);
      assertEquals(2, state.epoch);
      assertEquals(2, state.batchInEpoch);
      SparkTrainer.Result r =
          new SparkTrainer(TestSpark.jsc(), so, QUIET)
              .fit(
                  l.model(),
                  opt,
                  state,
                  corpus,
                  data.devBatches(),
                  null,
                  data.checkpoints(out, SEED),
                  null);
      resumed = r.stepLosses();
      weights = G2pSample.weights(l.model());
    }
    // Steps 11..16 of the uninterrupted run, bit for bit (checkpoints hold exact float32 values).
    assertArrayEquals(Arrays.copyOfRange(uninterrupted.losses(), 10, 16), resumed);
    assertArrayEquals(uninterrupted.weights(), weights);
  }
}
