package dev.rnn4j.backend.cpu;

import static dev.rnn4j.backend.cpu.CpuCompare.close;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.Rand;
import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.Tensor;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's softmax family ({@link CpuSoftmax}: softmax, log-softmax, their backward, the
 * fused cross-entropy, top-k) against double-precision formulas; tolerance as {@link CpuCompare}.
 */
class CpuSoftmaxTest {
  private final Backend be = TestBackends.cpu();

  @Test
  void softmaxFamilyMatchesDoubleFormulas() {
    int rows = 4;
    int v = 37;
    float[] x = Rand.uniform(5, rows * v, 8f);
    x[3] = 80f; // a large logit: stability
    try (Tensor xt = be.upload(x, rows, v);
        Tensor y = be.zeros(rows, v);
        Tensor ly = be.zeros(rows, v)) {
      be.softmax(xt, y);
      be.logSoftmax(xt, ly);
      float[] ys = be.download(y);
      float[] ls = be.download(ly);
      for (int r = 0; r < rows; r++) {
        double mx = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < v; k++) {
          mx = Math.max(mx, x[r * v + k]);
        }
        double s = 0;
        for (int k = 0; k < v; k++) {
          s += Math.exp(x[r * v + k] - mx);
        }
        for (int k = 0; k < v; k++) {
          double p = Math.exp(x[r * v + k] - mx) / s;
          close(p, ys[r * v + k], "softmax[" + r + "," + k + "]");
          close(x[r * v + k] - mx - Math.log(s), ls[r * v + k], "logSoftmax[" + r + "," + k + "]");
        }
      }
    }
  }

  @Test
  void softmaxBackwardMatchesJacobian() {
    int v = 9;
    float[] x = Rand.uniform(6, v, 2f);
    float[] dy = Rand.uniform(7, v, 1f);
    try (Tensor xt = be.upload(x, 1, v);
        Tensor y = be.zeros(1, v);
        Tensor dyt = be.upload(dy, 1, v);
        Tensor dx = be.zeros(1, v)) {
      be.softmax(xt, y);
      be.softmaxBackward(y, dyt, dx);
      float[] p = be.download(y);
      float[] got = be.download(dx);
      for (int i = 0; i < v; i++) {
        double s = 0;
        for (int j = 0; j < v; j++) {
          double jac = (i == j ? p[i] : 0) - (double) p[i] * p[j];
          s += jac * dy[j];
        }
        close(s, got[i], "softmaxBackward[" + i + "]");
      }
    }
  }

  @Test
  void crossEntropyWithSmoothingAndIgnoreIndex() {
    int rows = 3;
    int v = 11;
    float eps = 0.1f;
    float[] x = Rand.uniform(8, rows * v, 3f);
    int[] t = {4, -100, 10};
    try (Tensor xt = be.upload(x, rows, v);
        Tensor tt = be.uploadInts(t, rows);
        Tensor p = be.zeros(rows, v);
        Tensor losses = be.zeros(rows);
        Tensor d = be.zeros(rows, v)) {
      double total = be.crossEntropyForward(xt, tt, -100, eps, p, losses);
      be.crossEntropyBackward(p, tt, -100, eps, 0.5f, d);
      float[] ls = be.download(losses);
      float[] ds = be.download(d);
      double want = 0;
      for (int r = 0; r < rows; r++) {
        if (t[r] == -100) {
          assertEquals(0f, ls[r]);
          for (int k = 0; k < v; k++) {
            assertEquals(0f, ds[r * v + k], "ignored row gradient");
          }
          continue;
        }
        double mx = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < v; k++) {
          mx = Math.max(mx, x[r * v + k]);
        }
        double s = 0;
        for (int k = 0; k < v; k++) {
          s += Math.exp(x[r * v + k] - mx);
        }
        double lse = mx + Math.log(s);
        double loss = 0;
        for (int k = 0; k < v; k++) {
          double q = (k == t[r] ? 1 - eps : 0) + eps / v;
          loss -= q * (x[r * v + k] - lse);
          double g = 0.5 * (Math.exp(x[r * v + k] - lse) - q);
          close(g, ds[r * v + k], "dLogits[" + r + "," + k + "]");
        }
        close(loss, ls[r], "loss[" + r + "]");
        want += loss;
      }
      close(want, total, "total loss");
      // probs may alias the logits: same loss, same gradient.
      be.copy(xt, p);
      close(total, be.crossEntropyForward(p, tt, -100, eps, p, losses), "aliased total loss");
      be.crossEntropyBackward(p, tt, -100, eps, 0.5f, p);
      float[] aliased = be.download(p);
      for (int k = 0; k < ds.length; k++) {
        close(ds[k], aliased[k], "aliased dLogits[" + k + "]");
      }
    }
    try (Tensor xt = be.upload(x, rows, v);
        Tensor bad = be.uploadInts(new int[] {1, 11, 2}, rows);
        Tensor p = be.zeros(rows, v);
        Tensor losses = be.zeros(rows)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> be.crossEntropyForward(xt, bad, -100, 0f, p, losses));
      assertTrue(e.getMessage().contains("target 11 at row 1"), e.getMessage());
    }
  }

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

  /** topK against a sort of each row (ties to the smaller index, NaN lowest). */
  @Test
  void topKMatchesASortOfEachRowWithTiesAndNaN() {
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
