package dev.rnn4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaPairRDD;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/** The ordered tree sum: the same bits as a local sum in the same tree, whatever the timing. */
class OrderedTreeSumTest {
  /** Plain-Java reference: the same grouping, level by level, in index order. */
  static Partial reference(List<Partial> parts, int fanIn) {
    List<Partial> level = parts;
    while (level.size() > fanIn) {
      List<Partial> next = new ArrayList<>();
      for (int g = 0; g * fanIn < level.size(); g++) {
        Partial acc = Partial.ZERO;
        for (int i = g * fanIn; i < Math.min(level.size(), (g + 1) * fanIn); i++) {
          acc = acc.plus(level.get(i));
        }
        next.add(acc);
      }
      level = next;
    }
    Partial acc = Partial.ZERO;
    for (Partial p : level) {
      acc = acc.plus(p);
    }
    return acc;
  }

  static List<Partial> parts(int n, int len, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Partial> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[len];
      for (int j = 0; j < len; j++) {
        // Mixed magnitudes, so that the order of additions changes the rounded result.
        v[j] = (float) ((rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(-3, 4)));
      }
      out.add(i == 3 ? Partial.ZERO : new Partial(i * 1.5, 10 + i, 1, v));
    }
    return out;
  }

  static JavaPairRDD<Integer, Partial> rdd(List<Partial> ps) {
    List<Tuple2<Integer, Partial>> items = new ArrayList<>();
    for (int i = 0; i < ps.size(); i++) {
      items.add(new Tuple2<>(i, ps.get(i)));
    }
    return TestSpark.jsc().parallelizePairs(items, ps.size());
  }

  @Test
  void equalsTheLocalTreeBitForBitAtEveryDepth() {
    List<Partial> ps = parts(7, 1000, 5);
    // fan-in 2 over 7 parts: 3 shuffle levels (7 → 4 → 2) then the driver; 8: driver only.
    for (int fanIn : new int[] {2, 3, 8}) {
      Partial want = reference(ps, fanIn);
      Partial got = OrderedTreeSum.sum(rdd(ps), ps.size(), fanIn);
      assertArrayEquals(want.vector(), got.vector(), "fan-in " + fanIn);
      assertEquals(want.lossSum(), got.lossSum());
      assertEquals(
          6 * 10 + (0 + 1 + 2 + 4 + 5 + 6), got.tokens(), "tokens of the 6 non-zero parts");
      assertEquals(6, got.count());
      // And close to the exact sum: float rounding of 7 terms, relative 1e-6 of the largest term.
      for (int j = 0; j < 1000; j += 97) {
        double exact = 0;
        double scale = 0;
        for (Partial p : ps) {
          if (p.vector() != null) {
            exact += p.vector()[j];
            scale = Math.max(scale, Math.abs(p.vector()[j]));
          }
        }
        assertTrue(Math.abs(got.vector()[j] - exact) <= 1e-6 * scale, "entry " + j);
      }
    }
  }

  @Test
  void allZeroPartsGiveANullVectorAndBadFanInIsRejected() {
    List<Partial> zeros = List.of(Partial.ZERO, Partial.ZERO, Partial.ZERO);
    assertNull(OrderedTreeSum.sum(rdd(zeros), 3, 2).vector());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> OrderedTreeSum.sum(rdd(zeros), 3, 1));
    assertTrue(e.getMessage().contains("fan-in must be >= 2"), e.getMessage());
  }
}
