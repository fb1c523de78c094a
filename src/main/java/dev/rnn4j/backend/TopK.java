package dev.rnn4j.backend;

import java.nio.FloatBuffer;

/**
 * The reference top-k of one row: the k largest values of {@code x[off .. off + n)} in descending
 * order with their indices (ties: the smaller index first; NaN counts as smaller than every
 * number). The CPU backend runs it per row in parallel; other backends test against it.
 */
public final class TopK {
  private TopK() {}

  /**
   * Writes the k largest of {@code x[off .. off + n)} to {@code values[out .. out + k)} and their
   * indices (0-based within the row) to {@code indices}; k at most n.
   */
  public static void row(
      FloatBuffer x, int off, int n, int k, float[] values, int[] indices, int out) {
    int filled = 0;
    for (int i = 0; i < n; i++) {
      float v = x.get(off + i);
      if (Float.isNaN(v)) {
        v = Float.NEGATIVE_INFINITY;
      }
      if (filled == k && !(v > values[out + k - 1])) {
        continue; // not better than the k-th (an equal value keeps the earlier index)
      }
      int p = filled == k ? k - 1 : filled++;
      while (p > 0 && values[out + p - 1] < v) {
        values[out + p] = values[out + p - 1];
        indices[out + p] = indices[out + p - 1];
        p--;
      }
      values[out + p] = v;
      indices[out + p] = i;
    }
  }
}
