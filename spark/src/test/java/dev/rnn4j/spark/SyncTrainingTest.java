package dev.rnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.seq2seq.ModelDirectory;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.train.GradientClipping;
import dev.rnn4j.train.LrSchedule;
import dev.rnn4j.train.Optimizer;
import dev.rnn4j.train.TrainOptions;
import dev.rnn4j.train.Trainer;
import dev.rnn4j.train.TrainingCheckpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Synchronous data parallelism is exact: over 2 shards (local[2]) the loss of every step, the epoch
 * losses, the dev losses and the final weights equal single-process training (core {@link Trainer})
 * on the same global batches, up to float summation order.
 */
class SyncTrainingTest {
  static final long SEED = 7;
  static final int BATCH = 32;
  static G2pSample data;
  static Backend be;

  @BeforeAll
  static void setUp() {
    data = new G2pSample(240, 40);
    be = Backends.create("cpu");
  }

  @AfterAll
  static void tearDown() {
    be.close();
  }

  static TrainOptions options(int epochs) {
    // adam 3e-3, clip 1 (clipping is active: the driver clips the summed gradient), no smoothing,
    // warm-up over 3 steps (the schedule runs on the driver), no early stopping.
    return new TrainOptions(
        epochs, 3e-3f, "adam", 0f, 0f, 1.0, 0f, "warmup:3", 0.5f, 1, 1, 0, SEED);
  }

  /**
   * Per-step losses of single-process training: the loop of Trainer.fit (accumulate 1), spelled out
   * to record each step's loss.
   */
  static double[] singleProcessLosses(Seq2SeqModel model, Optimizer opt, TrainOptions t) {
    Trainer.Data d = SingleProcess.data(data.train, BATCH, SEED);
    LrSchedule schedule = LrSchedule.parse(t.schedule());
    List<Double> losses = new ArrayList<>();
    long updates = 0;
    for (int epoch = 1; epoch <= t.epochs(); epoch++) {
      Iterator<dev.rnn4j.seq2seq.Seq2SeqBatch> it = d.epoch(epoch);
      while (it.hasNext()) {
        var b = it.next();
        model.zeroGrad();
        Seq2SeqModel.Loss l = model.trainStep(b, 0f, 1f / b.targetTokens());
        losses.add(l.mean());
        double norm = GradientClipping.clipGlobalNorm(model.parameters(), t.clipNorm());
        assertTrue(Double.isFinite(norm));
        updates++;
        opt.setLearningRate(schedule.at(updates, t.lr()));
        opt.step(model.parameters());
      }
    }
    return losses.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void lossesAndWeightsEqualSingleProcessTraining() {
    TrainOptions t = options(2);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    double[] reference;
    float[] refWeights;
    Trainer.TrainerState refState = new Trainer.TrainerState();
    try (Seq2SeqModel m = new Seq2SeqModel(be, data.config(0f), SEED);
        Optimizer opt = t.newOptimizer()) {
      reference = singleProcessLosses(m, opt, t);
    }
    try (Seq2SeqModel m = new Seq2SeqModel(be, data.config(0f), SEED);
        Optimizer opt = t.newOptimizer()) {
      new Trainer(t, quiet)
          .fit(
              m,
              opt,
              refState,
              SingleProcess.data(data.train, BATCH, SEED),
              data.devBatches(),
              null,
              null,
              null);
      refWeights = G2pSample.weights(m);
    }
    SparkTrainer.Result r;
    float[] weights;
    Trainer.TrainerState state = new Trainer.TrainerState();
    long replicasBefore = ExecutorRuntime.replicasCreated();
    try (ShardedCorpus corpus = ShardedCorpus.of(TestSpark.jsc(), data.train, 2);
        Seq2SeqModel m = new Seq2SeqModel(be, data.config(0f), SEED);
        Optimizer opt = t.newOptimizer()) {
      r =
          new SparkTrainer(TestSpark.jsc(), SparkTrainOptions.sync(t, BATCH), quiet)
              .fit(m, opt, state, corpus, data.devBatches(), null, null, null);
      weights = G2pSample.weights(m);
    }
    // 16 steps × 2 tasks, but at most one replica per task slot (local[2]), built once.
    long replicas = ExecutorRuntime.replicasCreated() - replicasBefore;
    assertTrue(replicas >= 1 && replicas <= 2, replicas + " replicas");
    assertEquals(0, ExecutorRuntime.liveReplicas(), "replicas closed when fit returns");
    assertEquals(16, reference.length, "240 pairs / 32 = 8 batches per epoch, 2 epochs");
    assertEquals(reference.length, r.stepLosses().length);
    // Losses: the same sums in another order (a shard's GEMMs have fewer rows) → relative 1e-5.
    double maxLossDiff = 0;
    for (int i = 0; i < reference.length; i++) {
      double d = Math.abs(r.stepLosses()[i] - reference[i]);
      maxLossDiff = Math.max(maxLossDiff, d);
      assertTrue(
          d <= 1e-5 * Math.abs(reference[i]),
          "step " + i + ": spark " + r.stepLosses()[i] + ", single process " + reference[i]);
    }
    // Epoch train losses and dev losses as recorded by Trainer and SparkTrainer alike.
    for (int e = 0; e < 2; e++) {
      double a = state.devCurve.get(e)[1];
      double b = refState.devCurve.get(e)[1];
      assertTrue(Math.abs(a - b) <= 1e-5 * b, "dev loss epoch " + (e + 1) + ": " + a + " vs " + b);
      assertEquals(refState.devCurve.get(e)[0], state.devCurve.get(e)[0], "updates");
    }
    // Weights after 16 Adam steps of 3e-3: float-order differences in a gradient move an Adam step
    // by a relative amount; 2e-5 absolute (0.7 % of one step) + 1e-4 relative.
    double maxW = 0;
    for (int i = 0; i < weights.length; i++) {
      double d = Math.abs(weights[i] - refWeights[i]);
      maxW = Math.max(maxW, d);
      assertTrue(
          d <= 2e-5 + 1e-4 * Math.abs(refWeights[i]),
          "weight " + i + ": spark " + weights[i] + ", Trainer " + refWeights[i]);
    }
    System.out.printf(
        "sync vs single process: max loss diff %.3g, max weight diff %.3g over %d weights%n",
        maxLossDiff, maxW, weights.length);
    assertTrue(reference[15] < reference[0], "training lowers the loss");
  }

  /** A dev metric that never improves after the first epoch. */
  static final Trainer.Metric FLAT =
      new Trainer.Metric() {
        @Override
        public String name() {
          return "flat";
        }

        @Override
        public double evaluate(Seq2SeqModel m) {
          return 1.0;
        }
      };

  @Test
  void plateauDecayEarlyStoppingAndCheckpointsAsTrainer(@TempDir Path dir) throws Exception {
    // 5 epochs allowed; the metric is flat after epoch 1: the rate halves after each flat epoch
    // (plateau patience 0) and training stops after 2 flat epochs (patience 2), at epoch 3.
    TrainOptions t =
        new TrainOptions(5, 3e-3f, "adam", 0f, 0f, 1.0, 0f, "constant", 0.5f, 0, 1, 2, SEED);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Trainer.TrainerState ref = new Trainer.TrainerState();
    Trainer.Result want;
    try (Seq2SeqModel m = new Seq2SeqModel(be, data.config(0f), SEED);
        Optimizer opt = t.newOptimizer()) {
      want =
          new Trainer(t, quiet)
              .fit(
                  m,
                  opt,
                  ref,
                  SingleProcess.data(data.train, BATCH, SEED),
                  data.devBatches(),
                  FLAT,
                  null,
                  null);
    }
    Trainer.TrainerState state = new Trainer.TrainerState();
    SparkTrainer.Result got;
    try (ShardedCorpus corpus = ShardedCorpus.of(TestSpark.jsc(), data.train, 2);
        Seq2SeqModel m = new Seq2SeqModel(be, data.config(0f), SEED);
        Optimizer opt = t.newOptimizer()) {
      got =
          new SparkTrainer(TestSpark.jsc(), SparkTrainOptions.sync(t, BATCH), quiet)
              .fit(
                  m, opt, state, corpus, data.devBatches(), FLAT, data.checkpoints(dir, SEED), dir);
    }
    assertEquals(3, want.epochs());
    assertEquals(want.epochs(), got.epochs());
    assertEquals(want.updates(), got.updates());
    assertEquals(ref.lr, state.lr, "rate after two plateau decays");
    assertEquals(3e-3f / 4, state.lr, 1e-9);
    assertEquals(ref.badEpochs, state.badEpochs);
    // "best" is epoch 1's model, "last" epoch 3's; both resumable.
    Trainer.TrainerState best = new Trainer.TrainerState();
    Trainer.TrainerState last = new Trainer.TrainerState();
    try (ModelDirectory.Loaded b = ModelDirectory.load(dir.resolve("best"), be);
        ModelDirectory.Loaded l = ModelDirectory.load(dir.resolve("last"), be);
        Optimizer o1 = t.newOptimizer();
        Optimizer o2 = t.newOptimizer()) {
      TrainingCheckpoint.load(dir.resolve("best"), b.model(), o1, best);
      TrainingCheckpoint.load(dir.resolve("last"), l.model(), o2, last);
    }
    assertEquals(2, best.epoch);
    assertEquals(4, last.epoch);
    assertTrue(Files.isRegularFile(dir.resolve("loss.svg")));
  }
}
