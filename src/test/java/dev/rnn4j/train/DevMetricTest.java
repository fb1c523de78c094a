package dev.rnn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.TestBackends;
import dev.rnn4j.data.Example;
import dev.rnn4j.nn.CellType;
import dev.rnn4j.seq2seq.AttentionType;
import dev.rnn4j.seq2seq.DecodeOptions;
import dev.rnn4j.seq2seq.Seq2SeqConfig;
import dev.rnn4j.seq2seq.Seq2SeqModel;
import dev.rnn4j.seq2seq.Translator;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DevMetricTest {

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void sampleSpansASortedFileInsteadOfItsHead() {
    // 6,226 sorted dev pairs, 2,000 decoded: the sample must reach the end of the file (a
    // head-of-file sample stops at index 1,999), in order, without repeats.
    List<Integer> sample = DevMetric.evenlySpaced(range(6226), 2000);
    assertEquals(2000, sample.size());
    assertEquals(0, sample.get(0));
    assertTrue(sample.get(1999) >= 6226 - 4, "last sampled index " + sample.get(1999));
    for (int i = 1; i < sample.size(); i++) {
      int gap = sample.get(i) - sample.get(i - 1);
      assertTrue(gap == 3 || gap == 4, "gap " + gap + " at " + i);
    }
  }

  @Test
  void smallDevSetsAreUsedWhole() {
    List<Integer> all = range(150);
    assertSame(all, DevMetric.evenlySpaced(all, 2000));
    assertSame(all, DevMetric.evenlySpaced(all, 150));
    assertEquals(List.of(0, 50, 100), DevMetric.evenlySpaced(all, 3));
    assertThrows(IllegalArgumentException.class, () -> DevMetric.evenlySpaced(all, 0));
  }

  @Test
  void metricScoresTheSpreadSampleOnly() {
    Seq2SeqConfig cfg =
        new Seq2SeqConfig(
            12, 12, 8, CellType.LSTM, 8, 1, true, 16, 1, AttentionType.GENERAL, 0f, false, false);
    try (Seq2SeqModel model = new Seq2SeqModel(TestBackends.cpu(), cfg, 5)) {
      // Ten sources; the even ones get the untrained model's own greedy output as reference (no
      // error), the odd ones that output with one more token (an error): the spread sample of 5
      // is all even, the head of the file (0..4) would have 2 of 5 wrong.
      List<int[]> src = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        src.add(new int[] {4 + i % 8, 4 + (i * 3) % 8});
      }
      List<int[]> out = new Translator(model).best(src, DecodeOptions.greedy());
      List<Example> dev = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        int[] ref = i % 2 == 0 ? out.get(i) : wrong(out.get(i));
        dev.add(new Example(src.get(i), ref));
      }
      Trainer.Metric m = DevMetric.greedyWordErrorRate(dev, 5);
      assertEquals("dev WER (greedy, 5 pairs)", m.name());
      assertEquals(0.0, m.evaluate(model), "indices 0, 2, 4, 6, 8 only");
      assertEquals(0.5, DevMetric.greedyWordErrorRate(dev, 10).evaluate(model), "all ten");
    }
  }

  /** {@code hyp} with one more token: a reference it misses. */
  private static int[] wrong(int[] hyp) {
    int[] r = new int[hyp.length + 1];
    System.arraycopy(hyp, 0, r, 0, hyp.length);
    r[hyp.length] = 4;
    return r;
  }
}
