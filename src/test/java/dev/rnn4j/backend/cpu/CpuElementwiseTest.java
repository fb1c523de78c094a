package dev.rnn4j.backend.cpu;

import static dev.rnn4j.backend.cpu.CpuCompare.close;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rnn4j.Rand;
import dev.rnn4j.TestBackends;
import dev.rnn4j.backend.Backend;
import dev.rnn4j.tensor.Mat;
import dev.rnn4j.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's elementwise family ({@link CpuElementwise}: transposes, scaled rows, the
 * sequence helpers, dropout and the optimiser steps) against naive formulas; tolerance as {@link
 * CpuCompare}. The heap-array loops behind dropout, Adam and SGD: {@code VecOpsTest}.
 */
class CpuElementwiseTest {
  private final Backend be = TestBackends.cpu();

  @Test
  void transposeOfStridedViewsMatchesIndexing() {
    int rows = 150; // more than one 128-row block
    int cols = 37;
    float[] src = Rand.uniform(12, rows * (cols + 5) + 3, 1f);
    try (Tensor st = be.upload(src, src.length);
        Tensor dt = be.zeros(cols * (rows + 2) + 1)) {
      be.transpose(new Mat(st, 3, rows, cols, cols + 5), new Mat(dt, 1, cols, rows, rows + 2));
      float[] d = be.download(dt);
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          assertEquals(
              src[3 + r * (cols + 5) + c], d[1 + c * (rows + 2) + r], "dst[" + c + "," + r + "]");
        }
      }
      assertEquals(0f, d[0], "element before the view untouched");
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> be.transpose(new Mat(st, 0, 4, 3, 3), new Mat(dt, 0, 4, 3, 3)));
      assertTrue(e.getMessage().contains("expected a 3x4 destination"), e.getMessage());
    }
  }

  /**
   * scaleRows against its reference (the interface's default, on the host): exact, one float
   * multiplication per element either way.
   */
  @Test
  void scaleRowsMatchesTheReferenceOnEveryShape() {
    SplittableRandom r = new SplittableRandom(5);
    for (int[] shape : new int[][] {{1, 1}, {3, 7}, {2, 5, 9}, {640, 1000}}) {
      int cols = shape[shape.length - 1];
      int rows = 1;
      for (int i = 0; i < shape.length - 1; i++) {
        rows *= shape[i];
      }
      float[] x = new float[rows * cols];
      float[] s = new float[rows];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) r.nextGaussian();
      }
      for (int i = 0; i < rows; i++) {
        s[i] = i % 7 == 0 ? 0f : (float) r.nextGaussian();
      }
      float[] want = x.clone();
      for (int i = 0; i < rows; i++) {
        for (int c = 0; c < cols; c++) {
          want[i * cols + c] *= s[i];
        }
      }
      try (Tensor t = be.upload(x, shape);
          Tensor sc = be.upload(s, rows)) {
        be.scaleRows(t, sc);
        assertArrayEquals(want, be.download(t), 0f);
      }
    }
  }

  @Test
  void scaleRowsRefusesAScaleOfTheWrongLength() {
    try (Tensor t = be.zeros(3, 4);
        Tensor sc = be.zeros(4)) {
      assertThrows(IllegalArgumentException.class, () -> be.scaleRows(t, sc));
    }
  }

  @Test
  void sequenceHelpersRespectLengths() {
    int b = 2;
    int t = 4;
    int f = 2;
    float[] x = new float[b * t * f];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
    }
    try (Tensor xt = be.upload(x, b, t, f);
        Tensor r = be.zeros(b, t, f);
        Tensor lens = be.uploadInts(new int[] {4, 2}, b);
        Tensor last = be.zeros(b, f)) {
      be.reverseSequences(xt, r, lens);
      float[] rs = be.download(r);
      assertArrayEquals(
          new float[] {7, 8, 5, 6, 3, 4, 1, 2, 11, 12, 9, 10, 0, 0, 0, 0}, rs, "reversed");
      be.gatherLastStep(xt, lens, last);
      assertArrayEquals(new float[] {7, 8, 11, 12}, be.download(last), "last steps");
      be.scatterAddLastStep(last, lens, r);
      float[] s = be.download(r);
      assertEquals(2f + 8f, s[7], "b=0 step 3 += last");
      assertEquals(12f + 10f, s[11], "b=1 step 1 += last");
      try (Tensor scores = be.upload(Rand.uniform(11, b * 1 * t, 1f), b, 1, t)) {
        be.maskKeys(scores, lens, Float.NEGATIVE_INFINITY);
        float[] sc = be.download(scores);
        assertTrue(Float.isFinite(sc[3]), "b=0 keeps all 4 keys");
        assertEquals(Float.NEGATIVE_INFINITY, sc[6], "b=1 masks key 2");
        assertEquals(Float.NEGATIVE_INFINITY, sc[7], "b=1 masks key 3");
      }
    }
  }

  @Test
  void dropoutIsSeededUnbiasedAndIndependentOfThreads() {
    int n = 200_000;
    float p = 0.3f;
    float[] ones = new float[n];
    java.util.Arrays.fill(ones, 1f);
    try (CpuBackend one = new CpuBackend(1);
        Tensor x = be.upload(ones, n);
        Tensor m = be.zeros(n);
        Tensor y = be.zeros(n);
        Tensor x1 = one.upload(ones, n);
        Tensor m1 = one.zeros(n);
        Tensor y1 = one.zeros(n)) {
      be.dropout(x, p, 42, m, y);
      one.dropout(x1, p, 42, m1, y1);
      float[] ys = be.download(y);
      assertArrayEquals(ys, one.download(y1), "same seed, different thread counts");
      double mean = 0;
      int dropped = 0;
      for (float v : ys) {
        mean += v;
        dropped += v == 0f ? 1 : 0;
        assertTrue(v == 0f || Math.abs(v - 1f / (1f - p)) < 1e-6, "mask value " + v);
      }
      mean /= n;
      // Binomial standard error of the kept fraction: sqrt(p(1-p)/n) ≈ 1e-3; allow 5 of them.
      assertEquals(1.0, mean, 5 * Math.sqrt(p * (1 - p) / n) / (1 - p), "mean after dropout");
      assertEquals(p, dropped / (double) n, 5e-3, "dropped fraction");
      be.dropout(x, p, 43, m, y);
      assertFalse(java.util.Arrays.equals(ys, be.download(y)), "another seed, another mask");
    }
  }

  @Test
  void adamMatchesTheFormula() {
    float[] w = {0.5f, -1f, 2f};
    float[] g = {0.1f, -0.2f, 0.3f};
    float lr = 0.01f;
    float b1 = 0.9f;
    float b2 = 0.999f;
    float eps = 1e-8f;
    float wd = 0.01f;
    try (Tensor wt = be.upload(w, 3);
        Tensor gt = be.upload(g, 3);
        Tensor m = be.zeros(3);
        Tensor v = be.zeros(3)) {
      double[] mw = new double[3];
      double[] vw = new double[3];
      double[] ww = {w[0], w[1], w[2]};
      for (int step = 1; step <= 3; step++) {
        be.adamUpdate(wt, gt, m, v, lr, b1, b2, eps, wd, step);
        for (int i = 0; i < 3; i++) {
          mw[i] = b1 * mw[i] + (1 - b1) * g[i];
          vw[i] = b2 * vw[i] + (1 - b2) * g[i] * g[i];
          double mh = mw[i] / (1 - Math.pow(b1, step));
          double vh = vw[i] / (1 - Math.pow(b2, step));
          ww[i] = ww[i] - lr * mh / (Math.sqrt(vh) + eps) - lr * wd * ww[i];
        }
      }
      float[] got = be.download(wt);
      for (int i = 0; i < 3; i++) {
        close(ww[i], got[i], "w[" + i + "]");
      }
    }
  }

  @Test
  void sgdWithMomentum() {
    try (Tensor w = be.upload(new float[] {1f, 2f}, 2);
        Tensor g = be.upload(new float[] {0.5f, -1f}, 2);
        Tensor buf = be.zeros(2)) {
      be.sgdUpdate(w, g, buf, 0.1f, 0.9f);
      be.sgdUpdate(w, g, buf, 0.1f, 0.9f);
      // buf1 = g, w1 = w - 0.1 g; buf2 = 0.9 g + g = 1.9 g, w2 = w1 - 0.19 g.
      float[] got = be.download(w);
      close(1 - 0.29 * 0.5, got[0], "w[0]");
      close(2 + 0.29, got[1], "w[1]");
    }
  }
}
