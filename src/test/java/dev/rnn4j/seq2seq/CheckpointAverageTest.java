package dev.rnn4j.seq2seq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.data.Vocabulary;
import dev.rnn4j.data.WhitespaceTokenizer;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.nn.Parameter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint averaging: every parameter is the element-wise mean; mismatched models are refused.
 */
class CheckpointAverageTest {
  private final Backend be = TestBackends.cpu();
  private final Seq2SeqConfig cfg =
      new Seq2SeqConfig(
          12, 12, 8, CellType.LSTM, 8, 1, true, 8, 1, AttentionType.GENERAL, 0f, false);
  private final Vocabulary vocab = Vocabulary.of(List.of("a", "b", "c", "d", "e", "f", "g", "h"));

  private Path save(Path dir, Seq2SeqConfig c, Vocabulary v, long seed) throws Exception {
    try (Seq2SeqModel m = new Seq2SeqModel(be, c, seed)) {
      ModelDirectory.save(dir, m, v, v, new WhitespaceTokenizer(), new WhitespaceTokenizer(), null);
    }
    return dir;
  }

  private float[][] weights(Path dir) throws Exception {
    try (ModelDirectory.Loaded l = ModelDirectory.load(dir, be)) {
      List<Parameter> ps = l.model().parameters();
      float[][] w = new float[ps.size()][];
      for (int i = 0; i < w.length; i++) {
        w[i] = be.download(ps.get(i).value());
      }
      return w;
    }
  }

  @Test
  void averageIsTheElementWiseMean(@TempDir Path tmp) throws Exception {
    List<Path> dirs =
        List.of(
            save(tmp.resolve("a"), cfg, vocab, 1),
            save(tmp.resolve("b"), cfg, vocab, 2),
            save(tmp.resolve("c"), cfg, vocab, 3));
    Path out = tmp.resolve("avg");
    CheckpointAverage.average(dirs, out, be);
    float[][] a = weights(dirs.get(0));
    float[][] b = weights(dirs.get(1));
    float[][] c = weights(dirs.get(2));
    float[][] avg = weights(out);
    int differ = 0;
    for (int k = 0; k < avg.length; k++) {
      for (int i = 0; i < avg[k].length; i++) {
        // The mean of three floats, summed in double and rounded once.
        float expected = (float) (((double) a[k][i] + b[k][i] + c[k][i]) / 3);
        assertEquals(expected, avg[k][i], 0f, "parameter " + k + " element " + i);
        if (avg[k][i] != a[k][i]) {
          differ++;
        }
      }
    }
    assertTrue(differ > 1000, "the models differ, so the mean differs from the first");
    // One model averages to itself.
    CheckpointAverage.average(List.of(dirs.get(1)), tmp.resolve("one"), be);
    float[][] one = weights(tmp.resolve("one"));
    for (int k = 0; k < one.length; k++) {
      assertArrayEquals(b[k], one[k]);
    }
  }

  @Test
  void mismatchedModelsAreRefusedWithTheReason(@TempDir Path tmp) throws Exception {
    Path a = save(tmp.resolve("a"), cfg, vocab, 1);
    Seq2SeqConfig wider =
        new Seq2SeqConfig(
            12, 12, 8, CellType.LSTM, 16, 1, true, 8, 1, AttentionType.GENERAL, 0f, false);
    Path b = save(tmp.resolve("b"), wider, vocab, 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CheckpointAverage.average(List.of(a, b), tmp.resolve("x"), be));
    assertTrue(e.getMessage().contains("configurations differ"), e.getMessage());
    Vocabulary other =
        Vocabulary.of(List.of("a", "b", "c", "d", "e", "f", "g", "z")); // same size, one token
    Path c = save(tmp.resolve("c"), cfg, other, 1);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CheckpointAverage.average(List.of(a, c), tmp.resolve("x"), be));
    assertTrue(e.getMessage().contains("vocabularies differ"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> CheckpointAverage.average(List.of(), tmp.resolve("x"), be));
  }
}
