package dev.rnn4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.Tensor;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Backend.topK on the CPU against a sort of each row (ties to the smaller index, NaN lowest). */
class TopKTest {
  private final Backend be = TestBackends.cpu();

  private static int[] sortedRow(float[] x, int off, int n) {
    return IntStream.range(0, n)
        .boxed()
        .sorted(
            Comparator.<Integer>comparingDouble(
                    i -> Float.isNaN(x[off + i]) ? Double.POSITIVE_INFINITY : -x[off + i])
                .thenComparingInt(i -> i))
        .mapToInt(Integer::intValue)
        .toArray();
  }

  @Test
  void matchesASortOfEachRowWithTiesAndNaN() {
    SplittableRandom r = new SplittableRandom(11);
    for (int[] shape : new int[][] {{1, 1}, {3, 7}, {64, 1000}, {5, 16004}}) {
      int rows = shape[0];
      int cols = shape[1];
      float[] x = new float[rows * cols];
      for (int i = 0; i < x.length; i++) {
        // Few distinct values so ties are common; some NaN and infinities.
        int kind = r.nextInt(50);
        x[i] =
            kind == 0
                ? Float.NaN
                : kind == 1 ? Float.NEGATIVE_INFINITY : (float) (r.nextInt(40) - 20) / 4f;
      }
      for (int k : new int[] {1, Math.min(cols, 6), cols}) {
        float[] vals = new float[rows * k];
        int[] idx = new int[rows * k];
        try (Tensor t = be.upload(x, rows, cols)) {
          be.topK(t, k, vals, idx);
        }
        for (int row = 0; row < rows; row++) {
          int[] want = Arrays.copyOf(sortedRow(x, row * cols, cols), k);
          int[] got = Arrays.copyOfRange(idx, row * k, row * k + k);
          assertArrayEquals(want, got, "row " + row + " of " + rows + "x" + cols + ", k " + k);
        }
      }
    }
  }
}
