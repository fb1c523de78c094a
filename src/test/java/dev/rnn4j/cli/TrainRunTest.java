package dev.rnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TrainRunTest {

  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void devMetricSampleSpansASortedFileInsteadOfItsHead() {
    // 6,226 sorted dev pairs, 2,000 decoded: the sample must reach the end of the file (the old
    // head-of-file sample stopped at index 1,999), in order, without repeats.
    List<Integer> sample = TrainRun.evenlySpaced(range(6226), 2000);
    assertEquals(2000, sample.size());
    assertEquals(0, sample.get(0));
    assertTrue(sample.get(1999) >= 6226 - 4, "last sampled index " + sample.get(1999));
    for (int i = 1; i < sample.size(); i++) {
      int gap = sample.get(i) - sample.get(i - 1);
      assertTrue(gap == 3 || gap == 4, "gap " + gap + " at " + i);
    }
  }

  @Test
  void smallDevFilesAreUsedWhole() {
    List<Integer> all = range(150);
    assertSame(all, TrainRun.evenlySpaced(all, 2000));
    assertSame(all, TrainRun.evenlySpaced(all, 150));
    assertEquals(List.of(0, 50, 100), TrainRun.evenlySpaced(all, 3));
  }

  @Test
  void aNonPositiveLimitIsRefusedNamingTheOption() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new TrainRun.Setup(null, null, 64, 0, null, null, 0, 0));
    assertTrue(e.getMessage().contains("--dev-metric-limit"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TrainRun.evenlySpaced(range(5), 0));
  }
}
