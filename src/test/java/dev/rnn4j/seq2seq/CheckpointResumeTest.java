package dev.rnn4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.data.CharTokenizer;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.data.WhitespaceTokenizer;
import dev.rnn4j.io.FileFormatException;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.nn.Parameter;
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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saving and loading model directories: a run interrupted after epoch 2 and resumed from its
 * checkpoint gives bit-identical losses and weights to an uninterrupted run (dropout on, Adam), and
 * damaged directories are rejected with the file and the problem.
 */
class CheckpointResumeTest {
  private final Backend be = TestBackends.cpu();
  private final Seq2SeqConfig cfg =
      new Seq2SeqConfig(
          12, 12, 8, CellType.GRU, 8, 1, true, 8, 1, AttentionType.GENERAL, 0.3f, false);
  private final Vocabulary vocab = Vocabulary.of(List.of("a", "b", "c", "d", "e", "f", "g", "h"));

  private static List<Seq2SeqBatch> makeBatches(int epoch) {
    SplittableRandom r = new SplittableRandom(epoch);
    List<Seq2SeqBatch> out = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      int[][] s = new int[4][];
      int[][] t = new int[4][];
      for (int i = 0; i < 4; i++) {
        s[i] = r.ints(1 + r.nextInt(4), 4, 12).toArray();
        t[i] = s[i].clone();
      }
      out.add(Seq2SeqBatch.of(s, t, Seq2SeqModel.BOS, Seq2SeqModel.EOS));
    }
    return out;
  }

  private static Trainer.Data data() {
    return new Trainer.Data() {
      @Override
      public int batches(int epoch) {
        return 3;
      }

      @Override
      public Iterator<Seq2SeqBatch> epoch(int epoch) {
        return makeBatches(epoch).iterator();
      }
    };
  }

  private Trainer.Checkpoints saver(Path dir) {
    return (tag, m, o, st) ->
        ModelDirectory.save(
            dir.resolve(tag),
            m,
            vocab,
            vocab,
            new WhitespaceTokenizer(),
            new CharTokenizer(),
            new TrainingCheckpoint(o, st, 7));
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }

  @Test
  void resumedRunEqualsUninterruptedRun(@TempDir Path tmp) throws Exception {
    TrainOptions opts = TrainOptions.defaults().withEpochs(4).withEarlyStop(0).withLr(0.01f);
    List<Seq2SeqBatch> dev = makeBatches(99);
    float[][] straight;
    List<double[]> straightCurve;
    try (Seq2SeqModel m = new Seq2SeqModel(be, cfg, 7);
        Optimizer o = opts.newOptimizer()) {
      Trainer.TrainerState st = new Trainer.TrainerState();
      new Trainer(opts, quiet()).fit(m, o, st, data(), dev, null, null, null);
      straight = weights(m);
      straightCurve = st.trainCurve;
    }
    Path run = tmp.resolve("run");
    try (Seq2SeqModel m = new Seq2SeqModel(be, cfg, 7);
        Optimizer o = opts.newOptimizer()) {
      new Trainer(opts.withEpochs(2), quiet())
          .fit(m, o, new Trainer.TrainerState(), data(), dev, null, saver(run), run);
    }
    assertTrue(Files.exists(run.resolve("loss.svg")), "loss curve written");
    Path last = run.resolve("last");
    assertEquals(7, TrainingCheckpoint.seed(last));
    Trainer.TrainerState st = new Trainer.TrainerState();
    try (ModelDirectory.Loaded l = ModelDirectory.load(last, be);
        Optimizer o = opts.newOptimizer()) {
      Seq2SeqModel m = l.model();
      TrainingCheckpoint.load(last, m, o, st);
      assertEquals(3, st.epoch, "resumes at epoch 3");
      assertTrue(l.targetTokenizer() instanceof CharTokenizer, "tokenizers round-trip");
      new Trainer(opts, quiet()).fit(m, o, st, data(), dev, null, null, null);
      float[][] resumed = weights(m);
      for (int i = 0; i < straight.length; i++) {
        assertArrayEquals(straight[i], resumed[i], "parameter " + m.parameters().get(i).name());
      }
    }
    assertEquals(straightCurve.size(), st.trainCurve.size());
    for (int i = 0; i < straightCurve.size(); i++) {
      assertArrayEquals(straightCurve.get(i), st.trainCurve.get(i), "loss curve point " + i);
    }
  }

  private float[][] weights(Seq2SeqModel m) {
    List<Parameter> ps = m.parameters();
    float[][] w = new float[ps.size()][];
    for (int i = 0; i < w.length; i++) {
      w[i] = be.download(ps.get(i).value());
    }
    return w;
  }

  @Test
  void damagedDirectoriesAreRejectedClearly(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("m");
    try (Seq2SeqModel m = new Seq2SeqModel(be, cfg, 1)) {
      ModelDirectory.save(
          dir, m, vocab, vocab, new WhitespaceTokenizer(), new WhitespaceTokenizer(), null);
    }
    try (ModelDirectory.Loaded l = ModelDirectory.load(dir, be)) {
      assertEquals(cfg, l.model().config());
    }
    Path weights = dir.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> ModelDirectory.load(dir, be));
    assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
    Files.write(weights, bytes);
    Files.writeString(dir.resolve("config.json"), "{\"format\": \"something-else\"}");
    e = assertThrows(FileFormatException.class, () -> ModelDirectory.load(dir, be));
    assertTrue(e.getMessage().contains("format"), e.getMessage());
    Files.writeString(dir.resolve("config.json"), "not json");
    e = assertThrows(FileFormatException.class, () -> ModelDirectory.load(dir, be));
    assertTrue(e.getMessage().contains("config.json"), e.getMessage());
  }
}
