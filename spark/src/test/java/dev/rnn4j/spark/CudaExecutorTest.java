package dev.rnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rnn4j.backend.Backend;
import dev.rnn4j.backend.BackendUnavailableException;
import dev.rnn4j.backend.Backends;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.train.Optimizer;
import dev.rnn4j.train.TrainOptions;
import dev.rnn4j.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executors on the CUDA backend: synchronous training with GPU executors follows the CPU run (same
 * batches, same driver). Skips, with the reason, where CUDA is unavailable.
 */
class CudaExecutorTest {
  static String unavailable;

  @BeforeAll
  static void probe() {
    try {
      Backends.create("cuda").close();
      unavailable = null;
    } catch (BackendUnavailableException e) {
      unavailable = e.getMessage();
    }
  }

  @Test
  void gpuExecutorsTranslateLikeCpuExecutors(@TempDir Path dir) throws Exception {
    assumeTrue(unavailable == null, () -> "CUDA unavailable: " + unavailable);
    Path model = SparkTranslatorTest.trainToyModel(dir.resolve("toy"));
    List<String> lines = List.of("1 2 3", "4 5 6", "7 8 9", "3 2 1", "9");
    Dataset<String> ds = TestSpark.session().createDataset(lines, Encoders.STRING());
    try (SparkTranslator t = SparkTranslator.of(TestSpark.session(), model)) {
      assertEquals(
          t.withBackend("cpu").translate(ds, DecodeOptions.beam(3)).collectAsList(),
          t.withBackend("cuda").translate(ds, DecodeOptions.beam(3)).collectAsList());
    }
  }

  @Test
  void gpuExecutorsTrainLikeCpuExecutors() {
    assumeTrue(unavailable == null, () -> "CUDA unavailable: " + unavailable);
    G2pSample data = new G2pSample(128, 32);
    TrainOptions t =
        new TrainOptions(1, 3e-3f, "adam", 0f, 0f, 1.0, 0f, "constant", 0.5f, 1, 1, 0, 3);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    double[][] losses = new double[2][];
    String[] backends = {"cpu", "cuda"};
    try (Backend be = Backends.create("cpu");
        ShardedCorpus corpus = ShardedCorpus.of(TestSpark.jsc(), data.train, 2)) {
      for (int i = 0; i < 2; i++) {
        try (Seq2SeqModel m = new Seq2SeqModel(be, data.config(0f), 3);
            Optimizer opt = t.newOptimizer()) {
          losses[i] =
              new SparkTrainer(
                      TestSpark.jsc(),
                      SparkTrainOptions.sync(t, 32).withBackend(backends[i]),
                      quiet)
                  .fit(
                      m,
                      opt,
                      new Trainer.TrainerState(),
                      corpus,
                      data.devBatches(),
                      null,
                      null,
                      null)
                  .stepLosses();
        }
      }
    }
    assertEquals(losses[0].length, losses[1].length);
    for (int s = 0; s < losses[0].length; s++) {
      // GPU kernels sum in other orders than the CPU loops (and use TF32-free float GEMMs):
      // 1e-4 relative over 4 steps.
      assertTrue(
          Math.abs(losses[1][s] - losses[0][s]) <= 1e-4 * losses[0][s],
          "step " + s + ": cuda " + losses[1][s] + ", cpu " + losses[0][s]);
    }
  }
}
